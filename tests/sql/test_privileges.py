"""Least privilege: each role can do its job through the functions and nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session


@contextmanager
def as_role(conn: psycopg.Connection, role: str) -> Iterator[psycopg.Connection]:
    """Run statements with exactly the rights of `role` (rolled back afterwards)."""
    with conn.transaction(force_rollback=True):
        conn.execute(f"SET LOCAL ROLE {role}")
        yield conn


def refused(conn: psycopg.Connection, statement: str) -> bool:
    try:
        with conn.transaction():
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@pytest.fixture
def ended_session(conn: psycopg.Connection) -> str:
    add_session(conn, "s", "u1", T0, None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    conn.execute("SELECT datalinker.end_session('s', %s)", [T0 + 10 * MIN])
    return "s"


def test_worker_runs_jobs_through_the_functions_only(conn: psycopg.Connection, ended_session: str) -> None:
    with as_role(conn, "datalinker_worker"):
        claim = conn.execute("SELECT msg_id FROM datalinker.claim_job(30)").fetchone()
        assert claim is not None
        row = conn.execute("SELECT outcome FROM datalinker.process_job(%s)", [claim[0]]).fetchone()
        assert row == ("completed",)
        for statement in ["UPDATE public.raw_data_objects SET session_id = NULL",
                          "DELETE FROM public.sessions",
                          "INSERT INTO public.experiments (name) VALUES ('x')",
                          "SELECT * FROM public.raw_data_objects",
                          "SELECT pgmq.send('event_correction_queue', '{}')",
                          "SELECT * FROM pgmq.q_data_linker_queue",
                          "SELECT datalinker.end_session('s', now())",
                          "SELECT datalinker.requeue_dead()",
                          "SELECT * FROM datalinker.link_chunks('s')"]:
            assert refused(conn, statement), f"worker must not: {statement}"


def test_readonly_reads_and_is_refused_everything_else(conn: psycopg.Connection, ended_session: str) -> None:
    with as_role(conn, "datalinker_readonly"):
        assert conn.execute("SELECT count(*) FROM public.sessions").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM public.raw_data_objects").fetchone() == (1,)
        assert conn.execute("SELECT datalinker.device_to_utc(5, now(), 1.5, NULL) IS NOT NULL").fetchone() == (True,)
        for statement in ["SELECT * FROM datalinker.link_session('s')",
                          "SELECT * FROM datalinker.claim_job(30)",
                          "UPDATE public.sessions SET link_status = 'failed'",
                          "SELECT datalinker.end_session('s', now())",
                          "SELECT * FROM pgmq.q_data_linker_queue"]:
            assert refused(conn, statement), f"readonly must not: {statement}"


def test_session_manager_may_end_sessions_and_read(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    with as_role(conn, "datalinker_session_manager"):
        assert conn.execute("SELECT datalinker.end_session('s', %s) IS NOT NULL", [T0 + MIN]).fetchone() == (True,)
        assert conn.execute("SELECT end_time FROM public.sessions").fetchone() == (T0 + MIN,)
        assert refused(conn, "UPDATE public.sessions SET end_time = NULL")
        assert refused(conn, "SELECT * FROM datalinker.link_session('s')")


def test_public_gets_nothing(conn: psycopg.Connection) -> None:
    granted = conn.execute(
        "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace"
        " AND has_function_privilege('public', p.oid, 'EXECUTE')").fetchall()
    assert granted == []


def test_no_sql_is_built_from_strings_in_the_product_code() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    python = [*root.glob("datalinker/*.py"), root / "worker.py"]
    for path in python:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            assert not re.search(r"execute\(\s*f[\"']", line), f"{path.name}:{n} builds SQL with an f-string"
            assert not re.search(r"execute\([^)]*[\"']\s*(%|\+)\s*\w", line), f"{path.name}:{n} concatenates SQL"
    for path in root.glob("sql/**/*.sql"):
        assert not re.search(r"\bEXECUTE\s+(format|'|\w+\s*\|\|)", path.read_text(), re.I), f"{path} runs dynamic SQL"


def test_the_real_worker_runs_as_a_login_role_with_only_worker_rights(conn: psycopg.Connection, ended_session: str,
                                                                      db_env: dict[str, str]) -> None:
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    login = f"dl_worker_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE ROLE {login} LOGIN IN ROLE datalinker_worker")
    try:
        as_worker = make_conninfo(**{**conninfo_to_dict(db_env["DATABASE_URL"]), "user": login})
        with psycopg.connect(as_worker, autocommit=True) as worker_conn:
            assert worker_conn.execute("SELECT current_user").fetchone() == (login,)
            assert refused(worker_conn, "UPDATE public.raw_data_objects SET session_id = NULL")
        root = Path(__file__).resolve().parents[2]
        result = subprocess.run([sys.executable, "worker.py", "--exit-when-idle"], cwd=root, capture_output=True,
                                text=True, timeout=60, env={**db_env, "DATABASE_URL": as_worker})
        assert result.returncode == 0, result.stderr
        assert "outcome=completed" in result.stderr
        assert conn.execute("SELECT link_status FROM public.sessions WHERE session_id = 's'").fetchone() == ("completed",)
    finally:
        conn.execute(f"DROP ROLE {login}")


@pytest.mark.parametrize("reader", ["SELECT * FROM datalinker.doctor()", "SELECT * FROM datalinker.status_report()",
                                    "SELECT * FROM datalinker.unplaced_chunks()", "SELECT * FROM datalinker.clock_report('s')"])
def test_a_temp_domain_or_function_never_runs_as_the_owner(conn: psycopg.Connection, reader: str) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC, received_at=T0 + 5 * 60 * MIN)
    with as_role(conn, "datalinker_readonly"):
        # The attack: a pg_temp type shadowing a built-in, whose CHECK runs the caller's code with the owner's rights.
        conn.execute("CREATE FUNCTION pg_temp.evil(pg_catalog.text) RETURNS boolean LANGUAGE sql"
                     " AS $$ INSERT INTO public.experiments (name) VALUES ('pwned') RETURNING true $$")
        conn.execute("CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.evil(VALUE))")
        conn.execute("CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (pg_temp.evil(VALUE::pg_catalog.text))")
        conn.execute(reader).fetchall()
        assert conn.execute("SELECT count(*) FROM public.experiments WHERE name = 'pwned'").fetchone() == (0,)


def test_every_object_belongs_to_a_nologin_non_superuser_owner(conn: psycopg.Connection) -> None:
    owner = conn.execute("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = 'datalinker_owner'").fetchone()
    assert owner == (False, False)
    others = conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace"
        " AND p.proowner <> 'datalinker_owner'::regrole"
        " UNION ALL SELECT c.oid::regclass::text FROM pg_class c"
        " WHERE c.relnamespace IN ('datalinker'::regnamespace, 'public'::regnamespace) AND c.relkind IN ('r', 'p')"
        " AND c.relowner <> 'datalinker_owner'::regrole AND c.relname NOT LIKE '\\_yoyo%%' AND c.relname <> 'yoyo_lock'").fetchall()
    assert others == [], "a SECURITY DEFINER function must never run as the superuser that migrated"
    definers_as_superuser = conn.execute(
        "SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner"
        " WHERE p.pronamespace = 'datalinker'::regnamespace AND p.prosecdef AND r.rolsuper").fetchone()
    assert definers_as_superuser == (0,)


def test_only_the_admin_role_changes_settings_within_their_bounds(conn: psycopg.Connection) -> None:
    for role in ("datalinker_worker", "datalinker_readonly", "datalinker_session_manager"):
        with as_role(conn, role):
            assert refused(conn, "SELECT datalinker.set_setting('skew_us', 1)"), role
            assert refused(conn, "UPDATE datalinker.settings SET value = 1 WHERE name = 'skew_us'"), role
    with as_role(conn, "datalinker_admin"):
        assert conn.execute("SELECT value FROM datalinker.set_setting('skew_us', 120000000)").fetchone() == (120_000_000,)
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="setting skew_us = -5 is outside"):
            conn.execute("SELECT datalinker.set_setting('skew_us', -5)")
    with as_role(conn, "datalinker_admin"):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown datalinker setting 'nope'"):
            conn.execute("SELECT datalinker.set_setting('nope', 1)")
