"""The `datalinker` command line: thin wrappers around the SQL API."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import psycopg
from psycopg.rows import dict_row

from datalinker import config, queries
from datalinker.migrate import migrate

log = logging.getLogger("datalinker")

# Exit codes (documented in README.md).
EXIT_OK = 0
EXIT_JOB_FAILED = 1  # the work ran and its result is `failed` (e.g. link_session returned failed)
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_REJECTED = 3  # the database refused the input (unknown session, not ended, bad value)
EXIT_DB_UNAVAILABLE = 4  # could not connect / the connection broke


def print_table(rows: Sequence[dict[str, object]]) -> None:
    """A small aligned text table on stdout."""
    if not rows:
        print("(no rows)")
        return
    cols = list(rows[0])
    cells = [[("" if r[c] is None else str(r[c])) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = migrate(config.conninfo())
    print(f"migrated: {applied} new migration(s); functions re-created")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    with psycopg.connect(config.conninfo(), row_factory=dict_row) as conn:
        row = conn.execute(queries.LINK_SESSION, {"session_id": args.session_id}).fetchone()
    assert row is not None
    print_table([row])
    return EXIT_OK if row["link_status"] == "completed" else EXIT_JOB_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="datalinker", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply migrations to DATABASE_URL (or PG* vars)").set_defaults(func=cmd_migrate)
    p = sub.add_parser("link", help="run link_session for one session and print the result row")
    p.add_argument("session_id")
    p.set_defaults(func=cmd_link)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        return int(args.func(args))
    except psycopg.OperationalError as exc:
        log.error("database unavailable: %s", exc)
        return EXIT_DB_UNAVAILABLE
    except psycopg.Error as exc:
        diag = exc.diag
        log.error("rejected (SQLSTATE %s): %s", diag.sqlstate, diag.message_primary or exc)
        return EXIT_REJECTED


if __name__ == "__main__":
    sys.exit(main())
