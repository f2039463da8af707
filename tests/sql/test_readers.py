"""The readers' queries (as functions, each one index lookup) and the doctor's health checks."""

from __future__ import annotations

import subprocess
import sys

import psycopg

from tests.helpers import MIN, SEC, T0, add_device_chunk, add_experiment, add_session, add_utc_chunk, link, run_jobs


def plan(conn: psycopg.Connection, query: str, params: list[object]) -> str:
    return "\n".join(r[0] for r in conn.execute("EXPLAIN " + query, params).fetchall())


def test_calibration_sessions_of_user_in_experiment_by_index(conn: psycopg.Connection) -> None:
    study, other = add_experiment(conn, "study"), add_experiment(conn, "other")
    conn.execute("INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, end_time, session_type)"
                 " SELECT 'bg-' || i, 'user-' || (i %% 300), %s, %s + i * interval '1 hour', %s + i * interval '1 hour'"
                 " + interval '5 min', CASE WHEN i %% 2 = 0 THEN 'calibration' ELSE 'main' END"
                 " FROM generate_series(1, 3000) i", [other, T0, T0])
    add_session(conn, "c2", "alice", T0 + 2 * MIN, T0 + 3 * MIN, experiment_id=study, session_type="calibration")
    add_session(conn, "c1", "alice", T0, T0 + MIN, experiment_id=study, session_type="calibration")
    add_session(conn, "m1", "alice", T0 + 5 * MIN, T0 + 9 * MIN, experiment_id=study)
    add_session(conn, "c-other", "alice", T0, T0 + MIN, experiment_id=other, session_type="calibration")
    conn.execute("ANALYZE public.sessions")
    rows = conn.execute("SELECT session_id FROM datalinker.calibration_sessions('alice', %s)", [study]).fetchall()
    assert rows == [("c1",), ("c2",)]
    assert "sessions_user_experiment_type_idx" in plan(
        conn, "SELECT * FROM datalinker.calibration_sessions('alice', %s)", [study])


def test_session_objects_in_time_order_by_index(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 30 * MIN)
    for i in (5, 1, 3):
        add_device_chunk(conn, f"c{i}", "u1", T0 + i * MIN, T0 + i * MIN + SEC)
    add_utc_chunk(conn, "new", "u1", T0 + 2 * MIN, T0 + 2 * MIN + SEC, session_id="s")
    link(conn, "s")
    conn.execute("ANALYZE public.raw_data_objects")
    rows = conn.execute("SELECT object_id FROM datalinker.session_objects('s')").fetchall()
    assert rows == [("c1",), ("new",), ("c3",), ("c5",)]
    conn.execute("SET enable_seqscan = off")  # a 4-row table: show that the index serves the query and its order
    text = plan(conn, "SELECT * FROM datalinker.session_objects('s')", [])
    assert "raw_data_objects_session_idx" in text and "Sort" not in text


def test_doctor_is_all_ok_on_a_healthy_database(conn: psycopg.Connection) -> None:
    rows = conn.execute("SELECT check_name, status, count FROM datalinker.doctor()").fetchall()
    assert {r[1] for r in rows} == {"ok"}, rows
    settings = {r[0]: r[2] for r in rows if r[0].startswith("setting ")}
    assert settings["setting skew_us"] == 60_000_000 and len(settings) == 9, "doctor shows the tunables in force"


def test_doctor_reports_each_problem(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "stuck", "u1", T0, T0 + MIN)
    conn.execute("UPDATE public.sessions SET link_status = 'processing' WHERE session_id = 'stuck'")
    add_session(conn, "bad", "u2", T0, T0 + MIN, offset_ms=None)
    add_device_chunk(conn, "old", "u2", T0, T0 + SEC, received_at=T0)  # received long ago, never linked
    link(conn, "bad")
    assert [r["user_id"] for r in run_jobs(conn)] == ["u2"], "the upload's placement job (nothing to place: no clock)"
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"nope": 1}')""")
    conn.execute("SELECT outcome FROM datalinker.process_job((SELECT msg_id FROM datalinker.claim_job(30)))")
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"session_id": "later"}')""")
    conn.execute("UPDATE pgmq.q_data_linker_queue SET enqueued_at = now() - interval '2 hours'")
    rows = {r[0]: r[1:] for r in conn.execute("SELECT * FROM datalinker.doctor(24, 600)").fetchall()}
    assert rows["unlinked chunks older than 24 h"][:2] == ("warn", 1)
    assert rows["sessions stuck in processing"] == ("warn", 1, "stuck")
    assert rows["failed sessions"][:2] == ("warn", 1) and rows["failed sessions"][2].startswith("DL003")
    assert rows["dead letters"][:2] == ("warn", 1)
    assert rows["data_linker_queue age"][:2] == ("warn", 1)
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "doctor"], env=db_env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "sessions stuck in processing" in result.stdout


def test_doctor_lists_sessions_left_running(conn: psycopg.Connection) -> None:
    from tests.helpers import T0, add_session

    add_session(conn, "forgotten", "u1", T0, None)
    rows = {r[0]: r[1:] for r in conn.execute("SELECT check_name, status, count, detail FROM datalinker.doctor()")}
    status, count, detail = rows["sessions running longer than max_session_us"]
    assert (status, count) == ("warn", 1) and "forgotten" in detail
