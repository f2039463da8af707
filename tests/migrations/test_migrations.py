"""Migrations build the expected database from empty, and applying them again changes nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import psycopg

from datalinker import dbadmin
from datalinker.migrate import migrate
from datalinker.sqlsource import SQL_DIR, apply_sql_dir, sql_files
from tests.migrations.schema_snapshot import SNAPSHOT, snapshot


def schema_dump(conninfo: str) -> str:
    out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-d", conninfo],
                         capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


# Triggers of this checkout's sql/ on tables that a database before migration 0015 does not have yet.
NEEDS_SESSION_CLOCKS = ("DROP TRIGGER sessions_store_clock ON public.sessions;"
                        " DROP TRIGGER settings_store_clocks ON datalinker.settings")


def migrate_before(conninfo: str, first_new: str, functions: bool = True) -> None:
    """The database of the release before migration `first_new`: the migrations before it applied and, with
    `functions`, the SQL functions to write data with (this checkout's sql/: their bodies are checked only when
    called), less the triggers that need a newer table. `migrate` then re-creates everything."""
    from yoyo import get_backend, read_migrations

    from datalinker.migrate import MIGRATIONS_DIR, yoyo_uri

    backend = get_backend(yoyo_uri(conninfo))
    previous = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < first_new)
    with backend.lock():
        backend.apply_migrations_only(backend.to_apply(previous))
    backend.connection.close()
    if functions:
        with psycopg.connect(conninfo) as conn:
            apply_sql_dir(conn)
            if first_new <= "0015":
                conn.execute(NEEDS_SESSION_CLOCKS)


def test_from_empty_database_to_the_committed_schema_snapshot(admin_conninfo: str) -> None:
    """Every table, column, constraint, index, type, trigger, grant and function signature, as committed in
    tests/migrations/schema.sql (rewrite it with `python -m tests.migrations.schema_snapshot` after an intended change).
    The seed's link table, if present, is dropped."""
    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE session_object_links (session_id text, object_id text)")  # the seed's table
        assert migrate(conninfo) >= 1
        assert snapshot(conninfo) == SNAPSHOT.read_text()


def test_the_snapshot_sees_a_change_of_the_schema(db: str) -> None:
    before = snapshot(db)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE INDEX sessions_link_status_idx ON public.sessions (link_status)")
    assert snapshot(db) != before and "sessions_link_status_idx" in snapshot(db)


def test_applying_migrations_twice_changes_nothing(admin_conninfo: str) -> None:
    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate(conninfo)
        first = schema_dump(conninfo)
        assert migrate(conninfo) == 0
        assert schema_dump(conninfo) == first


def test_every_sql_file_is_applied_and_defines_the_function_it_is_named_after(conn: psycopg.Connection) -> None:
    applied = set(sql_files())
    proxy = set((SQL_DIR / "proxy").glob("*.sql"))  # applied to a PL/Proxy proxy by datalinker.cluster
    on_disk = set(SQL_DIR.rglob("*.sql"))
    assert on_disk == applied | proxy, f"files outside SQL_FOLDERS are never applied: {sorted(on_disk - applied - proxy)}"

    for path in sorted(on_disk):
        text = path.read_text()
        schemas = "datalinker" if path not in proxy else "(?:datalinker|datalinker_proxy|plproxy)"
        assert re.match(rf"-- {schemas}\.{path.stem}: ", text), f"{path} must open with '-- <schema>.{path.stem}: purpose'"
        if "CREATE OR REPLACE FUNCTION" in text:
            names = re.findall(rf"CREATE OR REPLACE FUNCTION {schemas}\.(\w+)\(", text)
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


# SQL functions that pin their search_path are planned again in every statement that calls them (docs/design-notes.md):
# only entry points a client calls once per statement, and the clock fit's steps (once per clock fitted), may be.
PLANNED_PER_STATEMENT = {
    "link_session", "relink_session", "doctor", "status_report", "placement_summary", "placement_state",
    "unplaced_chunks", "user_timeline", "error_codes", "claim_events", "ack_event", "events_waiting",
    "purge_amqp_inbox", "clock_split", "clock_judge",
}


def test_helpers_of_the_link_and_the_placement_keep_their_plans(conn: psycopg.Connection) -> None:
    rows = conn.execute("SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace"
                        " AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')"
                        " AND p.proconfig IS NOT NULL").fetchall()
    assert {r[0] for r in rows} - PLANNED_PER_STATEMENT == set(), "a SQL helper with SET: make it PL/pgSQL"


def test_linker_functions_never_jit_compile(conn: psycopg.Connection) -> None:
    # JIT once cost ~1.1 s per call of a 3 ms query (inflated estimates crossed jit_above_cost).
    rows = dict(conn.execute("SELECT proname, proconfig FROM pg_proc WHERE pronamespace = 'datalinker'::regnamespace"
                             " AND proname IN ('link_session', 'session_chunks')").fetchall())
    assert all("jit=off" in (config or []) for config in rows.values()) and len(rows) == 2


FUNCTIONS_IN_SCHEMA = """
SELECT p.proname, count(*) FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace GROUP BY p.proname
"""


def functions_defined_in(sql_dir: Path) -> set[str]:
    return {name for path in sql_files(sql_dir)
            for name in re.findall(r"CREATE OR REPLACE FUNCTION datalinker\.(\w+)\(", path.read_text())}


def test_schema_holds_exactly_the_functions_in_sql_one_signature_each(conn: psycopg.Connection) -> None:
    in_schema = dict(conn.execute(FUNCTIONS_IN_SCHEMA).fetchall())
    in_files = functions_defined_in(SQL_DIR)
    assert set(in_schema) - in_files == set(), "functions in the database that no file under sql/ defines"
    assert in_files - set(in_schema) == set(), "files under sql/ whose function is missing from the database"
    assert {name: n for name, n in in_schema.items() if n > 1} == {}, "overloads left behind"


def test_migrate_follows_a_changed_signature_a_changed_return_type_and_a_removed_file(
        db: str, tmp_path: Path) -> None:
    changed = tmp_path / "sql"
    shutil.copytree(SQL_DIR, changed)
    # A new parameter (the old overload must go), a new return type (CREATE OR REPLACE refuses it) ...
    retry = changed / "queue" / "retry_job.sql"
    retry.write_text(retry.read_text().replace("p_delay_seconds integer)", "p_delay_seconds integer, p_note text DEFAULT NULL)")
                     .replace("retry_job(bigint, integer)", "retry_job(bigint, integer, text)"))
    problem = changed / "queue" / "payload_problem.sql"
    problem.write_text(problem.read_text().replace("RETURNS text", "RETURNS varchar"))
    # ... and a function whose file was removed must not stay callable.
    (changed / "readers" / "session_objects.sql").unlink()
    grants = changed / "privileges" / "grants.sql"
    grants.write_text(grants.read_text().replace("retry_job(bigint, integer)", "retry_job(bigint, integer, text)")
                      .replace("datalinker.session_objects(text),", ""))

    with psycopg.connect(db) as conn:
        apply_sql_dir(conn, changed)
        conn.commit()
        in_schema = dict(conn.execute(FUNCTIONS_IN_SCHEMA).fetchall())
        assert set(in_schema) == functions_defined_in(changed)
        assert "session_objects" not in in_schema
        signatures = [r[0] for r in conn.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE proname = 'retry_job'").fetchall()]
        assert signatures == ["datalinker.retry_job(bigint,integer,text)"]
        assert conn.execute("SELECT pg_typeof(datalinker.payload_problem('{}'))::text").fetchone() == ("character varying",)
        granted = conn.execute("SELECT has_function_privilege('datalinker_worker',"
                               " 'datalinker.retry_job(bigint,integer,text)', 'EXECUTE')").fetchone()
        assert granted == (True,)

    # And back: the real sql/ restores the real functions.
    migrate(db)
    with psycopg.connect(db) as conn:
        assert dict(conn.execute(FUNCTIONS_IN_SCHEMA).fetchall()).keys() == functions_defined_in(SQL_DIR)
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'session_objects'").fetchone() == (1,)


def test_migrating_a_database_with_linked_data_keeps_every_link(admin_conninfo: str) -> None:
    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate_before(conninfo, "0004", functions=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("INSERT INTO public.sessions (session_id, user_id, start_time, end_time, link_status)"
                         " VALUES ('s', 'u', '2026-03-02 09:00+00', '2026-03-02 10:00+00', 'completed')")
            conn.execute("INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time,"
                         " start_time_device, end_time_device, data_type) VALUES"
                         " ('converted', 'u', 's', '2026-03-02 09:10+00', '2026-03-02 09:10:01+00', 5, 1000005, 'eeg'),"
                         " ('new-device', 'u', 's', '2026-03-02 09:11+00', '2026-03-02 09:11:01+00', NULL, NULL, 'imu')")
            links = conn.execute("SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects"
                                 " ORDER BY 1").fetchall()

        migrate(conninfo)

        assert snapshot(conninfo) == SNAPSHOT.read_text(), "an upgraded database has the schema of a new one"
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects"
                                " ORDER BY 1").fetchall() == links
            assert conn.execute("SELECT object_id, linked_by FROM public.raw_data_objects ORDER BY 1").fetchall() == [
                ("converted", "placement"), ("new-device", None)], "relink may undo the converted row, never the new device's"


def test_upgrading_to_line_uncertainty_keeps_settings_data_and_jobs_and_links_refused_real_clocks(admin_conninfo: str) -> None:
    """0009: a database of the previous release (clock_max_rms_us), mid-day with a refused session and a queued job."""
    import json
    import random

    from tests.clocks import Sync, rebooting_clock
    from tests.helpers import MIN, SEC, T0

    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate_before(conninfo, "0009", functions=False)
        clock = rebooting_clock(T0, 20, [])
        points = Sync(every=MIN // 6, jitter_us=1500).measurements(clock, T0, T0 + 30 * MIN, random.Random(2))
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("UPDATE datalinker.settings SET value = 20000 WHERE name = 'clock_fit_tolerance_us'")
            conn.execute("INSERT INTO public.sessions (session_id, user_id, start_time, end_time, link_status, link_error,"
                         " clock_offset_info) VALUES ('s', 'u', %s, %s, 'failed', 'DL006: … scatters 1480 µs RMS …', %s)",
                         [T0, T0 + 30 * MIN, json.dumps({"measurements": points})])
            conn.execute("INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device,"
                         " data_type, created_at) VALUES ('c', 'u', %s, %s, 'eeg', %s)",
                         [clock.tick(T0 + 10 * MIN), clock.tick(T0 + 10 * MIN + SEC), T0 + 10 * MIN + 2 * SEC])
            conn.execute("SELECT pgmq.send('data_linker_queue', '{\"session_id\": \"s\"}')")

        migrate(conninfo)

        with psycopg.connect(conninfo, autocommit=True) as conn:
            settings = dict(conn.execute("SELECT name, value FROM datalinker.settings").fetchall())
            assert "clock_max_rms_us" not in settings and settings["clock_max_uncertainty_us"] == 1000
            assert settings["clock_fit_tolerance_us"] == 20000, "an operator's setting survives"
            assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue WHERE message ? 'session_id'").fetchone() == (1,), \
                "the queued job survives"
            (msg_id,), = conn.execute("SELECT msg_id FROM datalinker.claim_job(60, 1)").fetchall()
            conn.execute("SELECT datalinker.process_job(%s, 5)", [msg_id])
            assert conn.execute("SELECT link_status FROM public.sessions").fetchone() == ("completed",)
            assert conn.execute("SELECT session_id FROM public.raw_data_objects").fetchone() == ("s",), \
                "the clock refused before (1.5 ms jitter per point) links after the upgrade"


def test_upgrading_to_one_unit_of_work_turns_open_placement_requests_into_jobs(admin_conninfo: str) -> None:
    """0012: a database of the previous release, mid-day: a late chunk's placement request (one had failed before)
    and a queued session job. After migrate both are jobs on data_linker_queue; the worker's steps place the chunk
    and announce the session once; nothing is lost."""
    from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, run_jobs

    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate_before(conninfo, "0012")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("DROP TRIGGER raw_data_objects_note_device_uploads ON public.raw_data_objects")  # … whose
            add_session(conn, "s", "u1", T0, T0 + 30 * MIN)  # trigger only noted requests (no job)
            add_device_chunk(conn, "late", "u1", T0 + MIN, T0 + MIN + SEC, received_at=T0 + 5 * MIN)
            conn.execute("INSERT INTO datalinker.placement_requests (user_id, last_error)"
                         " VALUES ('u1', '40001: could not serialize access')")
            conn.execute("SELECT pgmq.send('data_linker_queue', '{\"session_id\": \"s\"}')")

        migrate(conninfo)

        assert snapshot(conninfo) == SNAPSHOT.read_text(), "an upgraded database has the schema of a new one"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            queued = [r[0] for r in conn.execute("SELECT message FROM pgmq.q_data_linker_queue ORDER BY msg_id")]
            assert queued == [{"session_id": "s"}, {"user_id": "u1"}], "the open request became a job"
            assert {(r["session_id"], r["user_id"], r["outcome"]) for r in run_jobs(conn)} == {
                ("s", None, "completed"), (None, "u1", "completed")}
            assert conn.execute("SELECT session_id FROM public.raw_data_objects").fetchone() == ("s",)
            assert conn.execute("SELECT message ->> 'session_id' FROM pgmq.q_event_correction_queue").fetchall() == [
                ("s",)], "announced once"


def test_upgrading_to_expiry_keeps_every_row_and_expires_old_waiting_data_at_the_next_pass(admin_conninfo: str) -> None:
    """0013: a database of the previous release with a chunk waiting past the upload window and a queued job."""
    from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, run_jobs

    HOUR = 60 * MIN

    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate_before(conninfo, "0013")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            add_session(conn, "A", "u1", T0, T0 + 30 * MIN)
            add_device_chunk(conn, "stray", "u1", T0 + 2 * HOUR, T0 + 2 * HOUR + SEC, received_at=T0 + 3 * HOUR)
            add_device_chunk(conn, "live", "u1", T0 + MIN, T0 + MIN + SEC)
            add_session(conn, "B", "u1", T0 + 31 * 24 * HOUR, T0 + 31 * 24 * HOUR + 30 * MIN)
            conn.execute("SELECT pgmq.send('data_linker_queue', '{\"session_id\": \"B\"}')")
            before = conn.execute("SELECT object_id, user_id, start_time_device FROM public.raw_data_objects"
                                  " ORDER BY 1").fetchall()

        migrate(conninfo)

        assert snapshot(conninfo) == SNAPSHOT.read_text(), "an upgraded database has the schema of a new one"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            assert conn.execute("SELECT object_id, user_id, start_time_device FROM public.raw_data_objects"
                                " ORDER BY 1").fetchall() == before
            run_jobs(conn)  # the queued session job (and the uploads' placement jobs): the next pass
            assert conn.execute("SELECT object_id, session_id, expired_at IS NOT NULL FROM public.raw_data_objects"
                                " ORDER BY 1").fetchall() == [("live", "A", False), ("stray", None, True)]


def test_upgrading_to_decided_chunks_and_stored_clocks_backfills_both_and_loses_nothing(admin_conninfo: str) -> None:
    """0014/0015: a database of the previous release, mid-day: sessions A and B ended, their jobs and the uploads'
    placement queued, the device streaming on after A (chunks the previous release kept pending as outside_sessions,
    re-read by every pass). After migrate the ended sessions' clocks are stored and the next passes link A and
    decide the stream; nothing is lost."""
    from tests.helpers import MIN, SEC, T0, add_session, run_jobs
    from tests.sql.test_placement import record

    with dbadmin.throwaway_database(admin_conninfo) as conninfo:
        migrate_before(conninfo, "0014")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            add_session(conn, "A", "u1", T0, T0 + 30 * MIN)
            record(conn, "in", "u1", T0 + 2 * SEC, T0 + 30 * MIN, lambda end: end + 2 * SEC, step=MIN)
            record(conn, "gap", "u1", T0 + 30 * MIN + 2 * SEC, T0 + 60 * MIN, lambda end: end + 2 * SEC, step=MIN)
            add_session(conn, "B", "u1", T0 + 90 * MIN, T0 + 100 * MIN)
            before = conn.execute("SELECT object_id, user_id, start_time_device, created_at FROM public.raw_data_objects"
                                  " ORDER BY 1").fetchall()

        migrate(conninfo)

        assert snapshot(conninfo) == SNAPSHOT.read_text(), "an upgraded database has the schema of a new one"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            assert conn.execute("SELECT object_id, user_id, start_time_device, created_at FROM public.raw_data_objects"
                                " ORDER BY 1").fetchall() == before
            assert conn.execute("SELECT session_id FROM datalinker.session_clocks ORDER BY 1").fetchall() == [
                ("A",), ("B",)], "backfilled"
            run_jobs(conn)
            assert conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id = 'A'").fetchone() == (29,)
            assert conn.execute("SELECT count(*), min(start_time) FROM public.raw_data_objects WHERE object_id LIKE 'gap%'"
                                " AND session_id IS NULL AND linked_by = 'placement'").fetchone() == (29, T0 + 30 * MIN + 2 * SEC)
            assert conn.execute("SELECT count(*) FROM datalinker.chunk_placements('u1')").fetchone() == (0,)
            assert conn.execute("SELECT * FROM datalinker.verify_derived()").fetchall() == []
