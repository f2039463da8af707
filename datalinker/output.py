"""What the command line prints: rich tables for people, or JSON for scripts (`datalinker --json ...`)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence

from rich import box
from rich.console import Console
from rich.table import Table

Rows = Sequence[Mapping[str, object]]


def console() -> Console:
    """stdout; when it is not a terminal (a pipe, a file) tables are never wrapped or cut to 80 columns."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 10_000, soft_wrap=True)


def show(tables: Mapping[str, Rows], as_json: bool = False) -> None:
    """Print named tables: JSON (one array for one table, else an object of arrays), or one rich table each."""
    if as_json:
        data = next(iter(tables.values())) if len(tables) == 1 else tables
        json.dump(data, sys.stdout, default=str, indent=None)
        print()
        return
    out = console()
    for title, rows in tables.items():
        out.print(table(rows, title if len(tables) > 1 else None))


def table(rows: Rows, title: str | None = None) -> Table | str:
    if not rows:
        return "(no rows)"
    t = Table(*rows[0].keys(), title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False,
              show_edge=False)
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row.values()))
    return t


@contextlib.contextmanager
def working(what: str) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while one long SQL call runs (only on a terminal)."""
    err = Console(stderr=True)
    if not err.is_terminal:
        yield
        return
    with err.status(what):
        yield
