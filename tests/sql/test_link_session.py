"""link_session's contract: statuses, errors with documented SQLSTATEs, all-or-nothing on failure."""

from __future__ import annotations

import psycopg
import pytest

from tests.helpers import (MIN, SEC, T0, add_device_chunk, add_experiment, add_session, add_utc_chunk, chunk, link,
                           session, snapshot)


def test_completed_session_has_status_linked_at_and_counts(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c1", "u1", T0 + MIN, T0 + MIN + SEC)
    result = link(conn, "s")
    assert result == {"session_id": "s", "link_status": "completed", "objects_converted": 1,
                      "objects_linked": 1, "media_linked": 0, "objects_ambiguous": 0}
    row = session(conn, "s")
    assert (row["link_status"], row["link_error"]) == ("completed", None)
    assert row["linked_at"] is not None


def test_session_is_processing_while_the_work_runs(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c1", "u1", T0 + MIN, T0 + MIN + SEC)
    conn.execute("CREATE TABLE public.seen (status text)")
    conn.execute("""
        CREATE FUNCTION record_status() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN INSERT INTO public.seen SELECT link_status FROM public.sessions WHERE session_id = NEW.session_id; RETURN NEW; END $$""")
    conn.execute("CREATE TRIGGER t AFTER UPDATE ON public.raw_data_objects FOR EACH ROW EXECUTE FUNCTION record_status()")
    link(conn, "s")
    assert conn.execute("SELECT status FROM public.seen").fetchall() == [("processing",)]


def test_unknown_session_raises_DL001_naming_it(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.Error, match="unknown session 'no-such'") as info:
        link(conn, "no-such")
    assert info.value.diag.sqlstate == "DL001"


def test_running_session_raises_DL002_and_keeps_its_status(conn: psycopg.Connection) -> None:
    add_session(conn, "running", "u1", T0, None)
    with pytest.raises(psycopg.Error, match="session 'running' has not ended") as info:
        link(conn, "running")
    assert info.value.diag.sqlstate == "DL002"
    assert session(conn, "running")["link_status"] == "pending"


def test_fault_mid_link_changes_no_row_and_fails_the_session_with_the_reason(conn: psycopg.Connection) -> None:
    experiment = add_experiment(conn)
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, experiment_id=experiment)
    for i in range(20):
        add_device_chunk(conn, f"c{i:02}", "u1", T0 + i * 10 * SEC, T0 + (i * 10 + 1) * SEC)
    conn.execute("INSERT INTO public.images (object_id, user_id, session_id, captured_at) VALUES ('img', 'u1', 's', %s)",
                 [T0 + MIN])
    # A real constraint violation on one row in the middle of the set-based UPDATE.
    conn.execute("ALTER TABLE public.raw_data_objects ADD CONSTRAINT no_c13_times"
                 " CHECK (object_id <> 'c13' OR start_time IS NULL) NOT VALID")
    before = snapshot(conn)

    result = link(conn, "s")

    assert result == {"session_id": "s", "link_status": "failed", "objects_converted": 0,
                      "objects_linked": 0, "media_linked": 0, "objects_ambiguous": 0}
    after = snapshot(conn)
    for table in ("raw_data_objects", "images", "audio_clips"):
        assert after[table] == before[table], f"{table} must be left exactly as it was"
    row = session(conn, "s")
    assert row["link_status"] == "failed"
    assert row["link_error"].startswith("23514: ") and "no_c13_times" in row["link_error"]


def test_failed_session_can_be_retried_after_the_fix(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, offset_ms=None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    assert link(conn, "s")["link_status"] == "failed"
    conn.execute("""UPDATE public.sessions SET clock_offset_info = '{"offset_ms_avg": -1712345678901.25}' """)
    result = link(conn, "s")
    assert (result["link_status"], result["objects_converted"]) == ("completed", 1)
    assert session(conn, "s")["link_error"] is None


@pytest.mark.parametrize(
    "clock_offset_info",
    [None, {}, {"offset_ms_avg": None}, {"offset_ms_avg": "-1712345678901.25"}, {"offset_ms": [1, 2]}],
    ids=["null", "empty", "json-null", "string", "missing"],
)
def test_device_chunks_without_usable_offset_fail_the_session_saying_so(
    conn: psycopg.Connection, clock_offset_info: dict | None  # type: ignore[type-arg]
) -> None:
    if clock_offset_info is None:
        add_session(conn, "s", "u1", T0, T0 + 10 * MIN, offset_ms=None)
    else:
        add_session(conn, "s", "u1", T0, T0 + 10 * MIN, clock_offset_info=clock_offset_info)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    before = snapshot(conn)["raw_data_objects"]

    assert link(conn, "s")["link_status"] == "failed"

    error = session(conn, "s")["link_error"]
    assert error.startswith("DL003: session s has 1 device-time chunk(s) to convert") and "offset_ms_avg" in error
    assert snapshot(conn)["raw_data_objects"] == before


def test_new_device_session_next_to_a_legacy_session_links_normally(conn: psycopg.Connection) -> None:
    # The user switched devices: the calibration ran on a legacy device, the main session on a new one.
    add_session(conn, "calib", "u1", T0, T0 + 5 * MIN, session_type="calibration")
    add_device_chunk(conn, "calib-chunk", "u1", T0 + MIN, T0 + MIN + SEC)
    add_session(conn, "main", "u1", T0 + 10 * MIN, T0 + 40 * MIN, offset_ms=None)
    add_utc_chunk(conn, "main-chunk", "u1", T0 + 11 * MIN, T0 + 11 * MIN + SEC, session_id="main")

    assert link(conn, "main")["link_status"] == "completed"
    assert chunk(conn, "calib-chunk")["session_id"] == "calib", "placed in its own session (ended), never in main"
    assert link(conn, "calib")["objects_linked"] == 1


def test_missing_offset_is_fine_when_there_is_nothing_to_convert(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, offset_ms=None)
    add_utc_chunk(conn, "utc", "u1", T0 + MIN, T0 + MIN + SEC, session_id="s")
    assert link(conn, "s")["link_status"] == "completed"


@pytest.mark.parametrize(("sqlstate", "error"), [("40001", psycopg.errors.SerializationFailure),
                                                  ("40P01", psycopg.errors.DeadlockDetected)])
def test_transient_errors_propagate_so_the_job_is_retried(
    conn: psycopg.Connection, sqlstate: str, error: type[Exception]
) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    conn.execute(f"""
        CREATE FUNCTION transient() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '{sqlstate}'; END $$""")
    conn.execute("CREATE TRIGGER t BEFORE UPDATE ON public.raw_data_objects FOR EACH ROW EXECUTE FUNCTION transient()")
    before = snapshot(conn)
    with pytest.raises(error):
        link(conn, "s")
    assert snapshot(conn) == before, "the caller's transaction rolled back: status still pending"


def test_media_gets_the_experiment_only_where_it_is_null(conn: psycopg.Connection) -> None:
    experiment, other = add_experiment(conn, "main study"), add_experiment(conn, "pilot")
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, experiment_id=experiment)
    add_session(conn, "s2", "u1", T0 + 20 * MIN, T0 + 30 * MIN, experiment_id=experiment)
    media = [("images", "img-null", "s", None), ("images", "img-set", "s", other),
             ("audio_clips", "aud-null", "s", None), ("audio_clips", "aud-set", "s", other),
             ("images", "img-other-session", "s2", None)]
    for table, object_id, session_id, experiment_id in media:
        conn.execute(f"INSERT INTO public.{table} (object_id, user_id, session_id, experiment_id, captured_at)"
                     " VALUES (%s, 'u1', %s, %s, %s)", [object_id, session_id, experiment_id, T0 + MIN])

    assert link(conn, "s")["media_linked"] == 2

    rows = dict(conn.execute("SELECT object_id, experiment_id FROM public.images UNION ALL"
                             " SELECT object_id, experiment_id FROM public.audio_clips").fetchall())
    assert rows == {"img-null": experiment, "img-set": other, "aud-null": experiment, "aud-set": other,
                    "img-other-session": None}
    assert link(conn, "s")["media_linked"] == 0, "a re-run finds nothing left to fill"


def test_a_lock_held_elsewhere_is_transient_never_a_failed_session(conn: psycopg.Connection, db: str) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    before = snapshot(conn)
    with psycopg.connect(db) as holder:
        holder.execute("SELECT 1 FROM public.raw_data_objects WHERE object_id = 'c' FOR UPDATE")
        conn.execute("SET lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            link(conn, "s")
    assert snapshot(conn) == before, "lock not available (55P03) propagates: the session is not marked failed"
    assert conn.execute("SELECT datalinker.is_transient('55P03'), datalinker.is_transient('23505')").fetchone() == (True, False)


def test_an_infinite_chunk_is_refused_at_insert_and_fails_no_session(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    with pytest.raises(psycopg.errors.CheckViolation, match="raw_data_objects_times_finite"):
        conn.execute("INSERT INTO public.raw_data_objects (object_id, user_id, start_time, end_time, data_type)"
                     " VALUES ('bad', 'u1', %s, 'infinity', 'imu')", [T0 + 2 * MIN])
    assert link(conn, "s")["objects_linked"] == 1


def test_end_session_refuses_a_future_or_too_long_end_time_naming_it(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    with pytest.raises(psycopg.Error, match="end_time 2036-03-02 .* of session 's' is in the future") as future:
        conn.execute("SELECT datalinker.end_session('s', %s)", [T0.replace(year=2036)])
    assert future.value.sqlstate == "DL007"
    with pytest.raises(psycopg.Error, match="would make session 's' last 2 days") as too_long:
        conn.execute("SELECT datalinker.end_session('s', %s)", [T0 + 48 * 60 * MIN])
    assert too_long.value.sqlstate == "DL008"
    assert session(conn, "s")["end_time"] is None


def test_amend_session_corrects_the_end_time_and_relinks_in_one_go(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    import subprocess
    import sys

    add_session(conn, "s", "u1", T0, None)
    add_device_chunk(conn, "early", "u1", T0 + MIN, T0 + MIN + SEC)
    add_device_chunk(conn, "late", "u1", T0 + 20 * MIN, T0 + 20 * MIN + SEC)
    conn.execute("SELECT datalinker.end_session('s', %s)", [T0 + 10 * MIN])  # ended too early by mistake
    link(conn, "s")
    assert chunk(conn, "late")["session_id"] is None
    with pytest.raises(psycopg.Error, match="already ended"):
        conn.execute("SELECT datalinker.end_session('s', %s)", [T0 + 30 * MIN])
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "amend", "s", "--end-time", (T0 + 30 * MIN).isoformat()],
                            env=db_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (chunk(conn, "early")["session_id"], chunk(conn, "late")["session_id"]) == ("s", "s")
    assert chunk(conn, "late")["start_time"] == T0 + 20 * MIN
    with pytest.raises(psycopg.Error, match="in the future"):
        conn.execute("SELECT * FROM datalinker.amend_session('s', p_end_time => %s)", [T0.replace(year=2036)])
