"""The sql/ tree: one file per function or view, re-created by the post-apply migration.

After every migrate the schema `datalinker` holds exactly the functions defined under sql/:
each file is applied with CREATE OR REPLACE (a function whose return type or parameter names
changed is dropped and created again), then every `datalinker` function this transaction did
not write is dropped (a removed file or an old overload), every function is handed to the owner
role datalinker_owner, then the grants are re-applied.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any



def resource_dir(name: str) -> Path:
    """sql/ or migrations/: inside the installed package (a wheel carries them), else the checkout's top level."""
    packaged = Path(str(resources.files("datalinker") / name))
    checkout = Path(__file__).resolve().parent.parent / name
    return checkout if checkout.is_dir() and not packaged.is_dir() else packaged


SQL_DIR = resource_dir("sql")
MIGRATIONS_DIR = resource_dir("migrations")
# The folders of sql/, applied in this order (files by name inside each), with what each holds and the section
# of DESIGN.md it implements; docs/sql-api.md is laid out by it. privileges last (after stale functions are gone).
SQL_FOLDER_TITLES = {
    "conversion": "Conversion: device ticks to UTC and the session's clock (DESIGN §2)",
    "settings": "Settings: the linker's tunables (DESIGN §2, §3)",
    "linking": "Linking: the UTC chunks a session owns (DESIGN §3)",
    "placement": "Placement: late, offline and buffered device-time chunks (DESIGN §2, §3, §3a)",
    "media": "Media: images and audio clips (DESIGN §1, §3)",
    "sessions": "Sessions: ending, linking and correcting a session (DESIGN §4, §6)",
    "ingest": "Ingest: the API uploads and sessions come in by (DESIGN §1, §7)",
    "queue": "Queue handling: jobs, announcements, the AMQP bridge (DESIGN §5)",
    "readers": "Readers: status, doctor and reports (DESIGN §4, §6)",
    "privileges": "Privileges (DESIGN §7)",
}
SQL_FOLDERS = tuple(SQL_FOLDER_TITLES)
GRANTS_FOLDER = "privileges"

_FUNCTION_NAME = re.compile(r"CREATE OR REPLACE FUNCTION (datalinker\.\w+)\s*\(")

# Drops the functions of ours that this transaction did not (re)create: their pg_proc row is older than
# the transaction (age(xmin) > 0; rows written by this transaction or its savepoints have age <= 0).
# With a name in the transaction's setting datalinker.drop_overloads, drops every overload of that name instead.
DROP_FUNCTIONS = """
DO $$
DECLARE
    v_name text := nullif(current_setting('datalinker.drop_overloads', true), '');
    v_fn   regprocedure;
BEGIN
    FOR v_fn IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc p
        WHERE p.pronamespace = 'datalinker'::regnamespace
          AND CASE WHEN v_name IS NULL THEN pg_catalog.age(p.xmin) > 0 ELSE p.proname = v_name END
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        RAISE NOTICE 'dropping function %', v_fn;
        EXECUTE pg_catalog.format('DROP FUNCTION %s', v_fn);
    END LOOP;
END
$$
"""
DROP_OVERLOADS_OF = "SELECT pg_catalog.set_config('datalinker.drop_overloads', %s, true)"

# Hands every function of ours to the NOLOGIN, non-superuser owner (migration 0006), when that role exists.
HAND_OVER_FUNCTIONS = """
DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_owner') THEN
        RETURN;
    END IF;
    FOR v_fn IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                WHERE p.pronamespace = 'datalinker'::regnamespace
                  AND p.proowner <> 'datalinker_owner'::regrole LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO datalinker_owner', v_fn);
    END LOOP;
END
$$
"""


# The schema's comment records the version of the code that migrated it (read by /healthz: queries.SCHEMA_VERSION).
STAMP_VERSION = """
DO $$
BEGIN
    EXECUTE pg_catalog.format('COMMENT ON SCHEMA datalinker IS %L',
                              'datalinker ' || pg_catalog.current_setting('datalinker.version'));
END
$$
"""


def version(sql_dir: Path = SQL_DIR, migrations_dir: Path = MIGRATIONS_DIR) -> str:
    """A digest of every migration and every sql/ file: equal in the database and the code when migrated."""
    digest = hashlib.sha256()
    for path in sorted(migrations_dir.glob("*.*")) + sql_files(sql_dir):
        if path.suffix in {".sql", ".py"}:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def sql_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return [f for folder in SQL_FOLDERS for f in sorted((sql_dir / folder).glob("*.sql"))]


def apply_file(cur: Any, path: Path, text: str | None = None) -> None:
    """CREATE OR REPLACE one file (or `text`, the file as rewritten); if PostgreSQL refuses the replacement
    (42P13: other return type or parameter names), drop the function by name and create it again."""
    text = path.read_text(encoding="utf-8") if text is None else text
    cur.execute("SAVEPOINT datalinker_sql_file")
    try:
        cur.execute(text)
    except Exception as exc:  # the driver's error class; only 42P13 is handled
        if getattr(exc, "sqlstate", None) != "42P13" or not (match := _FUNCTION_NAME.search(text)):
            raise
        cur.execute("ROLLBACK TO SAVEPOINT datalinker_sql_file")
        cur.execute(DROP_OVERLOADS_OF, [match.group(1).split(".", 1)[1]])
        cur.execute(DROP_FUNCTIONS)
        cur.execute(DROP_OVERLOADS_OF, [""])
        cur.execute(text)
    cur.execute("RELEASE SAVEPOINT datalinker_sql_file")


def apply_sql_dir(conn: Any, sql_dir: Path = SQL_DIR) -> None:
    """Make schema datalinker hold exactly the functions of sql_dir, with their grants, in the caller's transaction.

    check_function_bodies is off while doing so: plpgsql_check lints the bodies in the test suite,
    and creation order inside a folder then does not matter.
    """
    files = sql_files(sql_dir)
    with conn.cursor() as cur:
        cur.execute("SET LOCAL check_function_bodies = off")
        for path in files:
            if path.parent.name != GRANTS_FOLDER:
                apply_file(cur, path)
        cur.execute(DROP_FUNCTIONS)
        cur.execute(HAND_OVER_FUNCTIONS)
        for path in files:
            if path.parent.name == GRANTS_FOLDER:
                cur.execute(path.read_text(encoding="utf-8"))
        cur.execute("SELECT pg_catalog.set_config('datalinker.version', %s, true)", [version(sql_dir)])
        cur.execute(STAMP_VERSION)
