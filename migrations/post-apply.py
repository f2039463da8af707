"""Re-create every function and view of schema datalinker from sql/ (runs after each migrate).

Each database object has exactly one source file under sql/; `CREATE OR REPLACE` makes this
step repeatable. Folders are applied in SQL_FOLDERS order, files in name order inside each.
Function bodies are checked by plpgsql_check in the test suite, so creation order inside a
folder does not matter (check_function_bodies is off for the duration of this step).
"""

from pathlib import Path

from yoyo import step

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
SQL_FOLDERS = ("conversion", "linking", "media", "jobs", "queue", "views", "privileges")


def sql_files() -> list[Path]:
    return [f for folder in SQL_FOLDERS for f in sorted((SQL_DIR / folder).glob("*.sql"))]


def apply_sql_dir(conn) -> None:  # type: ignore[no-untyped-def]
    with conn.cursor() as cur:
        cur.execute("SET LOCAL check_function_bodies = off")
        for path in sql_files():
            cur.execute(path.read_text(encoding="utf-8"))


steps = [step(apply_sql_dir)]
