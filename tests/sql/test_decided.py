"""Cost follows the work (DESIGN §3a, issue 21): decided chunks leave the pending set, stored derived data
(session clocks) follows its raw rows, and `verify_derived` (doctor --verify) rebuilds and compares."""

from __future__ import annotations

import json
from datetime import timedelta

import psycopg

from tests.helpers import MIN, SEC, T0, add_session, chunk, run_jobs
from tests.sql.test_placement import record, reasons

HOUR = timedelta(hours=1)
PENDING = "SELECT count(*) FROM datalinker.chunk_placements(%s)"
ROW_VERSIONS = "SELECT object_id, xmin::text FROM public.raw_data_objects WHERE object_id = ANY(%s) ORDER BY 1"


def stream_after_a_session(conn: psycopg.Connection) -> list[str]:
    """Session A 9:00–9:30, linked; the device streams on, live, until 10:29 (59 chunks of a minute)."""
    add_session(conn, "A", "u1", T0, T0 + 30 * MIN)
    record(conn, "in", "u1", T0 + 2 * SEC, T0 + 30 * MIN, lambda end: end + 2 * SEC, step=MIN)
    run_jobs(conn)
    ids = record(conn, "gap", "u1", T0 + 30 * MIN + 2 * SEC, T0 + 90 * MIN, lambda end: end + 2 * SEC, step=MIN)
    run_jobs(conn)
    return ids


def test_live_data_between_sessions_is_decided_once_with_its_exact_time_and_never_read_again(
        conn: psycopg.Connection) -> None:
    gap = stream_after_a_session(conn)
    first = chunk(conn, gap[0])
    assert (first["session_id"], first["start_time"], first["linked_by"]) == (None, T0 + 30 * MIN + 2 * SEC, "placement")
    assert {reason for reason, _ in reasons(conn, "u1").values()} == {"outside_sessions"}, "reason visible"
    assert conn.execute(PENDING, ["u1"]).fetchone() == (0,), "no pass reads them again"
    # The next upload continues the stream: a pass reads that chunk alone and places it by its decided neighbour.
    record(conn, "next", "u1", T0 + 89 * MIN + 2 * SEC, T0 + 90 * MIN + 2 * SEC, lambda end: end + 2 * SEC, step=MIN)
    assert conn.execute(PENDING, ["u1"]).fetchone() == (1,)
    run_jobs(conn)
    assert chunk(conn, "next-0000")["start_time"] == T0 + 89 * MIN + 2 * SEC


def test_a_session_added_over_decided_time_takes_its_chunks_and_leaves_the_rest_untouched(
        conn: psycopg.Connection) -> None:
    gap = stream_after_a_session(conn)
    untouched = conn.execute(ROW_VERSIONS, [gap[:5]]).fetchall()  # 9:30–9:35: nearer to A than to B
    add_session(conn, "B", "u1", T0 + 70 * MIN, T0 + 80 * MIN)  # registered late, over 10:10–10:20
    assert conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NULL AND start_time IS NULL"
                        ).fetchone() == (54,), "from midway between the sessions' starts (9:35) on: pending again"
    run_jobs(conn)
    in_b = conn.execute("SELECT object_id, start_time FROM public.raw_data_objects WHERE session_id = 'B' ORDER BY 1"
                        ).fetchall()
    assert [object_id for object_id, _ in in_b] == gap[39:50], "every chunk overlapping B (the first from 10:09:02)"
    assert in_b[0][1] == T0 + 69 * MIN + 2 * SEC
    assert conn.execute(ROW_VERSIONS, [gap[:5]]).fetchall() == untouched, "decided far from B: never rewritten"
    assert chunk(conn, gap[55])["start_time"] == T0 + 85 * MIN + 2 * SEC
    assert conn.execute("SELECT * FROM datalinker.verify_derived('u1')").fetchall() == []


def test_decided_chunks_are_not_old_unlinked_chunks_for_the_doctor(conn: psycopg.Connection) -> None:
    stream_after_a_session(conn)
    conn.execute("UPDATE public.raw_data_objects SET created_at = created_at - interval '400 days'")
    (row,) = [r for r in conn.execute("SELECT check_name, status, count FROM datalinker.doctor()").fetchall()
              if r[0].startswith("unlinked chunks")]
    assert row[1:] == ("ok", 0)


def test_an_ended_sessions_clock_is_stored_and_follows_its_row_and_the_settings(conn: psycopg.Connection) -> None:
    stored = "SELECT session_id, piece, mean_offset_us FROM datalinker.session_clocks ORDER BY 1, 2"
    add_session(conn, "running", "u1", T0, None)
    add_session(conn, "ended", "u2", T0, T0 + 30 * MIN)
    assert conn.execute(stored).fetchall() == [("ended", 1, -1_712_345_678_901_250)], "a running session: none yet"
    conn.execute("SELECT datalinker.end_session('running', %s)", [T0 + 10 * MIN])
    conn.execute("UPDATE public.sessions SET clock_offset_info = %s WHERE session_id = 'ended'",
                 [json.dumps({"offset_ms_avg": -5})])
    assert conn.execute(stored).fetchall() == [("ended", 1, -5000), ("running", 1, -1_712_345_678_901_250)]
    conn.execute("UPDATE public.sessions SET clock_offset_info = NULL WHERE session_id = 'ended'")
    assert conn.execute(stored).fetchall() == [("running", 1, -1_712_345_678_901_250)], "no usable clock: none"
    # A setting the fit depends on: every stored clock is fitted again.
    measurements = [{"at": (T0 + k * 15 * MIN).isoformat(), "offset_ms": -4.98 if k == 1 else -5} for k in range(3)]
    conn.execute("UPDATE public.sessions SET clock_offset_info = %s WHERE session_id = 'ended'",
                 [json.dumps({"measurements": measurements})])
    assert conn.execute("SELECT count(*) FROM datalinker.session_clocks WHERE session_id = 'ended'").fetchone() == (1,), \
        "uncertain by 55 µs at its data: usable"
    conn.execute("SELECT datalinker.set_setting('clock_max_uncertainty_us', 50)")
    assert conn.execute("SELECT count(*) FROM datalinker.session_clocks WHERE session_id = 'ended'").fetchone() == (0,)
    assert conn.execute("SELECT * FROM datalinker.verify_derived()").fetchall() == []


def test_verify_derived_finds_a_stored_clock_or_placement_that_its_raw_rows_do_not_give_and_changes_nothing(
        conn: psycopg.Connection) -> None:
    gap = stream_after_a_session(conn)
    assert conn.execute("SELECT * FROM datalinker.verify_derived()").fetchall() == []
    conn.execute("UPDATE datalinker.session_clocks SET slope = 0.001")
    conn.execute("UPDATE public.raw_data_objects SET start_time = start_time + interval '1 second',"
                 " end_time = end_time + interval '1 second' WHERE object_id = %s", [gap[3]])
    before = conn.execute("SELECT * FROM public.raw_data_objects ORDER BY object_id").fetchall()
    found = conn.execute("SELECT kind, item FROM datalinker.verify_derived('u1') ORDER BY 1, 2").fetchall()
    assert found == [("placement", gap[3]), ("session_clock", "A piece 1")]
    assert conn.execute("SELECT * FROM public.raw_data_objects ORDER BY object_id").fetchall() == before, \
        "the rebuild is rolled back"
