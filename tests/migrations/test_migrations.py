"""Migrations build the expected database from empty, and applying them again changes nothing."""

from __future__ import annotations

import re
import subprocess

import psycopg

from datalinker import dbadmin
from datalinker.migrate import migrate
from datalinker.sqlsource import SQL_DIR, sql_files


def schema_dump(conninfo: str) -> str:
    out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-d", conninfo],
                         capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


def test_from_empty_database_to_the_expected_schema(admin_conninfo: str) -> None:
    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE session_object_links (session_id text, object_id text)")  # the seed's table
        assert migrate(conninfo) >= 1
        with psycopg.connect(conninfo) as conn:
            tables = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
            assert {"experiments", "sessions", "raw_data_objects", "images", "audio_clips"} <= tables
            assert "session_object_links" not in tables
            columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'")}
            assert {"clock_offset_info", "link_status", "link_error", "linked_at"} <= columns
            indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
            assert {"raw_data_objects_user_range_idx", "raw_data_objects_pending_device_idx",
                    "sessions_user_experiment_type_idx", "raw_data_objects_session_idx"} <= indexes


def test_applying_migrations_twice_changes_nothing(admin_conninfo: str) -> None:
    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate(conninfo)
        first = schema_dump(conninfo)
        assert migrate(conninfo) == 0
        assert schema_dump(conninfo) == first


def test_every_sql_file_is_applied_and_defines_the_function_it_is_named_after(conn: psycopg.Connection) -> None:
    applied = set(sql_files())
    on_disk = set(SQL_DIR.rglob("*.sql"))
    assert on_disk == applied, f"files outside SQL_FOLDERS are never applied: {sorted(on_disk - applied)}"

    for path in sorted(on_disk):
        text = path.read_text()
        assert text.startswith(f"-- datalinker.{path.stem}: "), f"{path} must open with '-- datalinker.{path.stem}: purpose'"
        if "CREATE OR REPLACE FUNCTION" in text:
            names = re.findall(r"CREATE OR REPLACE FUNCTION datalinker\.(\w+)\(", text)
            assert names == [path.stem], f"{path}: one function per file, named like the file"


def test_every_function_has_a_comment_for_dbas(conn: psycopg.Connection) -> None:
    missing = conn.execute(
        "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace"
        " AND obj_description(p.oid, 'pg_proc') IS NULL").fetchall()
    assert missing == []


def test_functions_with_sql_statements_pin_their_search_path(conn: psycopg.Connection) -> None:
    # Inlinable helpers (plain expressions of built-ins) cannot carry SET; everything else must.
    unpinned = conn.execute(
        "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace"
        " AND p.proconfig IS NULL AND (p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql') OR p.prosrc ~* '\\m(update|insert|delete)\\M')"
        ).fetchall()
    assert unpinned == []


def test_linker_functions_never_jit_compile(conn: psycopg.Connection) -> None:
    # JIT once cost ~1.1 s per call of a 3 ms query (inflated estimates crossed jit_above_cost).
    rows = dict(conn.execute("SELECT proname, proconfig FROM pg_proc WHERE pronamespace = 'datalinker'::regnamespace"
                             " AND proname IN ('link_session', 'session_chunks')").fetchall())
    assert all("jit=off" in (config or []) for config in rows.values()) and len(rows) == 2
