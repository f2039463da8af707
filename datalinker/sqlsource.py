"""The sql/ tree: one file per function or view, re-created by the post-apply migration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
# Applied in this order, files by name inside each folder.
SQL_FOLDERS = ("conversion", "linking", "media", "jobs", "queue", "readers", "privileges")


def sql_files() -> list[Path]:
    return [f for folder in SQL_FOLDERS for f in sorted((SQL_DIR / folder).glob("*.sql"))]


def apply_sql_dir(conn: Any) -> None:
    """CREATE OR REPLACE everything under sql/ in the migration's transaction.

    check_function_bodies is off while doing so: plpgsql_check lints the bodies in the test suite,
    and creation order inside a folder then does not matter.
    """
    with conn.cursor() as cur:
        cur.execute("SET LOCAL check_function_bodies = off")
        for path in sql_files():
            cur.execute(path.read_text(encoding="utf-8"))
