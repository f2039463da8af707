"""Placement contract (DESIGN §2, §3): offline buffers, late chunks, visible reasons, corrections."""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg

from datalinker import builders
from tests.helpers import (MIN, SEC, T0, add_device_chunk, add_session, add_utc_chunk, chunk, link, run_jobs, session,
                           snapshot)
from tests.reference import P

HOUR = timedelta(hours=1)
PERIOD = timedelta(microseconds=P)


def record(conn: psycopg.Connection, prefix: str, user: str, start, end, received, step=10 * SEC,  # type: ignore[no-untyped-def]
           offset_ms: float | str = -1_712_345_678_901.25, data_type: str = "eeg") -> list[str]:
    """Back-to-back chunks from start to end; received(chunk_end) says when each arrived."""
    ids, t = [], start
    while t + step <= end:
        object_id = f"{prefix}-{len(ids):04d}"
        add_device_chunk(conn, object_id, user, t, t + step, offset_ms=offset_ms, received_at=received(t + step),
                         data_type=data_type)
        ids.append(object_id)
        t += step
    return ids


def reasons(conn: psycopg.Connection, user: str | None = None) -> dict[str, tuple[str, list[str] | None]]:
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT object_id, reason, candidate_sessions FROM datalinker.unplaced_chunks(%s)", [user]).fetchall()}



def test_a_session_buffered_offline_for_three_days_is_placed_exactly(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 50 * MIN)
    ids = record(conn, "c", "u1", T0 + 5 * SEC, T0 + 50 * MIN, lambda end: T0 + 50 * MIN + 72 * HOUR)
    result = link(conn, "s")
    assert (result["objects_converted"], result["objects_linked"]) == (len(ids), len(ids))
    first = chunk(conn, ids[0])
    assert (first["session_id"], first["start_time"], first["linked_by"]) == ("s", T0 + 5 * SEC, "placement")


def test_a_late_buffer_never_lands_in_the_live_session_it_arrives_during(conn: psycopg.Connection) -> None:
    add_session(conn, "A", "u1", T0, T0 + 30 * MIN)
    add_session(conn, "B", "u1", T0 + 50 * MIN, T0 + 110 * MIN)
    record(conn, "b", "u1", T0 + 50 * MIN, T0 + 110 * MIN, lambda end: end + 2 * SEC)
    a = record(conn, "a", "u1", T0, T0 + 30 * MIN, lambda end: T0 + 105 * MIN)  # 75 min late, during B
    link(conn, "B")
    link(conn, "A")
    linked = dict(conn.execute("SELECT object_id, session_id FROM public.raw_data_objects WHERE object_id LIKE 'a-%'").fetchall())
    assert set(linked.values()) == {"A"}, "every chunk of A's buffer in A, none in B"
    assert chunk(conn, a[10])["start_time"] == T0 + 100 * SEC


def test_two_offline_sessions_one_counter_period_apart_stay_unlinked_as_ambiguous(conn: psycopg.Connection) -> None:
    add_session(conn, "first", "u1", T0, T0 + 20 * MIN)
    add_session(conn, "second", "u1", T0 + PERIOD, T0 + PERIOD + 20 * MIN)
    upload = T0 + PERIOD + 3 * HOUR + 17 * MIN
    x = record(conn, "x", "u1", T0 + 2 * SEC, T0 + 20 * MIN, lambda end: upload)
    y = record(conn, "y", "u1", T0 + PERIOD + 2 * SEC, T0 + PERIOD + 20 * MIN, lambda end: upload)
    assert link(conn, "first")["objects_ambiguous"] == len(x) + len(y), "both recordings could be first's"
    assert conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NOT NULL").fetchone() == (0,)
    found = reasons(conn)
    assert {r for r, _ in found.values()} == {"ambiguous"}
    assert all(candidates == ["first", "second"] for _, candidates in found.values())


def test_every_reason_for_waiting_is_visible(conn: psycopg.Connection) -> None:
    add_session(conn, "running", "u-run", T0, None)
    add_device_chunk(conn, "in-running", "u-run", T0 + MIN, T0 + MIN + SEC)
    add_device_chunk(conn, "no-session-yet", "u-wait", T0, T0 + SEC, received_at=T0 + 5 * HOUR)
    add_session(conn, "no-clock", "u-clock", T0, T0 + 10 * MIN, offset_ms=None)
    add_session(conn, "clocked", "u-clock", T0 + 5 * HOUR, T0 + 6 * HOUR)
    add_device_chunk(conn, "clockless", "u-clock", T0 + MIN, T0 + MIN + SEC, received_at=T0 + MIN + 3 * SEC)
    add_session(conn, "day", "u-gap", T0, T0 + 10 * MIN)
    record(conn, "stream", "u-gap", T0 + 9 * MIN, T0 + 16 * MIN, lambda end: end + SEC)
    add_session(conn, "later", "u-late", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "late", "u-late", T0 + MIN, T0 + 2 * MIN, received_at=T0 + 3 * HOUR)

    found = reasons(conn)
    assert found["in-running"][0] == "session_running"
    assert found["no-session-yet"][0] == "waiting"
    assert found["clockless"][0] == "no_clock"
    assert {found[f"stream-{i:04d}"][0] for i in range(6, 42)} == {"outside_sessions"}
    assert found["stream-0000"][0] == "placeable", "placed as soon as a pass runs"
    assert found["late"][0] == "placeable"
    summary = {r[0]: r[1] for r in conn.execute("SELECT reason, chunks FROM datalinker.placement_summary()").fetchall()}
    assert summary["session_running"] == 1 and summary["outside_sessions"] == 36


def test_a_copy_of_100000_late_rows_is_noted_once_per_user(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    link(conn, "s")
    started = time.monotonic()
    builders.insert_chunks(conn, (builders.tick_chunk(f"late-{i}", f"u{i % 3}", i * 10, i * 10 + 5, T0 + HOUR)
                                  for i in range(100_000)))
    print(f"COPY of 100,000 rows with the upload trigger: {time.monotonic() - started:.2f} s")
    assert conn.execute("SELECT user_id FROM datalinker.placement_requests ORDER BY 1").fetchall() == [
        ("u0",), ("u1",), ("u2",)], "one request per user, not per row"
    assert conn.execute("SELECT message ->> 'user_id' FROM pgmq.q_data_linker_queue ORDER BY 1").fetchall() == [
        ("u0",), ("u1",), ("u2",)], "and one placement job per user"


def test_a_placement_job_links_late_chunks_and_announces_the_completed_session(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 30 * MIN)
    record(conn, "live", "u1", T0, T0 + 10 * MIN, lambda end: end + SEC)
    link(conn, "s")
    run_jobs(conn)  # the upload's job: link_session placed everything already
    conn.execute("DELETE FROM public.raw_data_objects WHERE object_id = 'live-0030'")
    conn.execute("DELETE FROM pgmq.q_event_correction_queue")
    add_device_chunk(conn, "resent", "u1", T0 + 300 * SEC, T0 + 310 * SEC, received_at=T0 + 6 * HOUR)
    assert conn.execute("SELECT message FROM pgmq.q_data_linker_queue").fetchall() == [({"user_id": "u1"},)], \
        "the upload queued one placement job"
    assert [(r["user_id"], r["outcome"], r["objects_linked"]) for r in run_jobs(conn)] == [("u1", "completed", 1)]
    assert chunk(conn, "resent")["start_time"] == T0 + 300 * SEC, "anchored by its neighbours"
    assert conn.execute("SELECT message ->> 'session_id' FROM pgmq.q_event_correction_queue").fetchall() == [("s",)]
    assert run_jobs(conn) == [], "nothing left queued"


def test_relink_after_a_clock_fix_undoes_only_the_linkers_rows(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, offset_ms=-1_712_345_678_901.25 + 1000)  # 1 s off
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    add_utc_chunk(conn, "new-device", "u1", T0 + 2 * MIN, T0 + 2 * MIN + SEC, session_id="s")
    add_utc_chunk(conn, "utc-no-session", "u1", T0 + 3 * MIN, T0 + 3 * MIN + SEC)
    link(conn, "s")
    assert chunk(conn, "c")["start_time"] == T0 + MIN - SEC, "the wrong clock gave a wrong time"
    new_device = snapshot(conn)["raw_data_objects"][1]

    conn.execute("""UPDATE public.sessions SET clock_offset_info = '{"offset_ms_avg": -1712345678901.25}'""")
    result = conn.execute("SELECT * FROM datalinker.relink_session('s')").fetchone()
    assert result is not None and result[1:4] == ("completed", 1, 3)
    assert chunk(conn, "c")["start_time"] == T0 + MIN
    assert chunk(conn, "utc-no-session")["linked_by"] == "overlap"
    assert snapshot(conn)["raw_data_objects"][1] == new_device, "a new device's row is never rewritten"


def test_relink_that_fails_changes_nothing_but_the_status(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    link(conn, "s")
    conn.execute("""UPDATE public.sessions SET clock_offset_info = '{"measurements": [{"at": "x", "offset_ms": 1}, {"at": "y", "offset_ms": 2}]}'""")
    before = snapshot(conn)["raw_data_objects"]
    result = conn.execute("SELECT link_status FROM datalinker.relink_session('s')").fetchone()
    assert result == ("failed",)
    assert snapshot(conn)["raw_data_objects"] == before, "the undo rolled back with the failed placement"
    assert session(conn, "s")["link_error"].startswith("DL006")


def test_status_and_doctor_count_unlinked_chunks_by_reason(conn: psycopg.Connection) -> None:
    add_session(conn, "first", "u1", T0, T0 + 20 * MIN)
    add_session(conn, "second", "u1", T0 + PERIOD, T0 + PERIOD + 20 * MIN)
    upload = T0 + PERIOD + 3 * HOUR + 17 * MIN
    record(conn, "x", "u1", T0 + 2 * SEC, T0 + 20 * MIN, lambda end: upload)
    record(conn, "y", "u1", T0 + PERIOD + 2 * SEC, T0 + PERIOD + 20 * MIN, lambda end: upload)
    add_device_chunk(conn, "lonely", "u2", T0, T0 + SEC, received_at=T0 + 5 * HOUR)
    status = {(r[0], r[1]): r[2] for r in conn.execute("SELECT section, name, count FROM datalinker.status_report()")}
    assert status[("unlinked chunks", "ambiguous")] == 238 and status[("unlinked chunks", "waiting")] == 1
    doctor = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT check_name, status, count FROM datalinker.doctor()")}
    assert doctor["chunks ambiguous"] == ("warn", 238), "ambiguous chunks need an operator"
    assert doctor["chunks waiting"] == ("ok", 1)


def test_a_session_left_running_a_month_ago_starves_no_later_session(conn: psycopg.Connection) -> None:
    add_session(conn, "forgotten", "u1", T0 - timedelta(days=30), None)
    add_session(conn, "today", "u1", T0, T0 + 10 * MIN)
    ids = record(conn, "t", "u1", T0 + MIN, T0 + 4 * MIN, lambda end: end + SEC)
    assert link(conn, "today")["objects_linked"] == len(ids), "a running session claims nothing beyond 24 h"


def test_a_running_session_claims_nothing_beyond_the_start_of_the_users_next_session(conn: psycopg.Connection) -> None:
    add_session(conn, "typo", "u1", T0, None)  # its end was refused (a typo): it still runs
    add_session(conn, "noon", "u1", T0 + 3 * HOUR, T0 + 4 * HOUR)
    ids = record(conn, "n", "u1", T0 + 3 * HOUR + 10 * MIN, T0 + 3 * HOUR + 13 * MIN, lambda end: end + SEC, step=MIN)
    add_utc_chunk(conn, "new-device", "u1", T0 + 3 * HOUR + 20 * MIN, T0 + 3 * HOUR + 21 * MIN)
    assert len(ids) == 3
    assert link(conn, "noon")["objects_linked"] == 4, "the 12:00 session links its 3 device chunks and the UTC one"
    assert {chunk(conn, i)["session_id"] for i in ids + ["new-device"]} == {"noon"}
    early = record(conn, "e", "u1", T0 + 30 * MIN, T0 + 33 * MIN, lambda end: end + SEC, step=MIN)
    placed = {r[0]: r[1] for r in conn.execute("SELECT object_id, status FROM datalinker.chunk_placements('u1')")}
    assert [placed[i] for i in early] == ["session_running"] * 3, "what lies before the next session still waits for it"


def test_a_callers_float_and_time_settings_change_no_conversion(conn: psycopg.Connection) -> None:
    query = ("SELECT datalinker.epoch_us(datalinker.device_to_utc(123456789, '2026-03-02 09:00+00',"
             " -1712345678901.25::float8, '2026-03-02 09:05+00'))")
    expected = conn.execute(query).fetchone()
    conn.execute("SET extra_float_digits = -15")
    conn.execute("SET TimeZone = 'Asia/Tokyo'")
    conn.execute("SET DateStyle = 'SQL, DMY'")
    assert conn.execute(query).fetchone() == expected


def test_a_user_whose_placement_fails_is_dead_lettered_like_a_session_and_never_blocks_the_others(
        conn: psycopg.Connection) -> None:
    for user in ("u1", "u2"):
        add_session(conn, f"s-{user}", user, T0, T0 + 30 * MIN)
        link(conn, f"s-{user}")
    run_jobs(conn)
    # A data error while placing u1 (a constraint someone added), nothing wrong with u2.
    conn.execute("ALTER TABLE public.raw_data_objects ADD CONSTRAINT no_late_u1"
                 " CHECK (object_id <> 'late-u1' OR start_time IS NULL) NOT VALID")
    for user in ("u1", "u2"):
        add_device_chunk(conn, f"late-{user}", user, T0 + MIN, T0 + 2 * MIN, received_at=T0 + 6 * HOUR)

    done = {r["user_id"]: (r["outcome"], r["reason"], r["objects_linked"]) for r in run_jobs(conn)}
    assert done == {"u1": ("dead_lettered", "placement_failed", 0), "u2": ("completed", None, 1)}
    (letter,), = conn.execute("SELECT message FROM pgmq.q_data_linker_dead_letter").fetchall()
    assert letter["payload"] == {"user_id": "u1"} and letter["reason"] == "placement_failed"
    assert letter["error"].startswith("23514: ") and "no_late_u1" in letter["error"]
    assert chunk(conn, "late-u1")["session_id"] is None and chunk(conn, "late-u2")["session_id"] == "s-u2"
    assert run_jobs(conn) == [], "no retry loop: one dead letter, as for a session"
    assert conn.execute("SELECT count(*) FROM datalinker.placement_requests").fetchone() == (0,), \
        "u1's next upload queues a new job"
    add_device_chunk(conn, "later-u1", "u1", T0 + 3 * MIN, T0 + 4 * MIN, received_at=T0 + 7 * HOUR)
    assert conn.execute("SELECT message FROM pgmq.q_data_linker_queue").fetchall() == [({"user_id": "u1"},)]

def test_a_placement_job_follows_the_session_jobs_attempt_limit(conn: psycopg.Connection) -> None:
    """One retry policy: a placement job read more than max_attempts times is dead-lettered, like a session job."""
    add_session(conn, "s", "u1", T0, T0 + 30 * MIN)
    add_device_chunk(conn, "late", "u1", T0 + MIN, T0 + 2 * MIN, received_at=T0 + 6 * HOUR)
    for _ in range(3):  # three claims whose work transactions never committed (transient errors, crashes)
        conn.execute("SELECT * FROM datalinker.claim_job(0)")
    (msg_id,), = conn.execute("SELECT msg_id FROM datalinker.claim_job(30)").fetchall()
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cur.execute("SELECT * FROM datalinker.process_job(%s, 3)", [msg_id]).fetchone()
    assert (row["user_id"], row["outcome"], row["reason"]) == ("u1", "dead_lettered", "too_many_attempts")
    (letter,), = conn.execute("SELECT message FROM pgmq.q_data_linker_dead_letter").fetchall()
    assert (letter["payload"], letter["read_ct"]) == ({"user_id": "u1"}, 4)
    assert conn.execute("SELECT count(*) FROM datalinker.placement_requests").fetchone() == (0,)
    assert conn.execute("SELECT datalinker.requeue_dead(10)").fetchone() == (1,), "requeue-dead brings it back"
    assert [(r["user_id"], r["outcome"], r["objects_linked"]) for r in run_jobs(conn)] == [("u1", "completed", 1)]


def test_waiting_past_the_upload_window_expires_is_never_read_again_and_an_operator_brings_it_back(
        conn: psycopg.Connection) -> None:
    """DESIGN §3a: a chunk no session could take within max_upload_delay_us of its upload leaves the pending set."""
    add_session(conn, "A", "u1", T0, T0 + 30 * MIN)
    add_device_chunk(conn, "stray", "u1", T0 + 2 * HOUR, T0 + 2 * HOUR + SEC, received_at=T0 + 3 * HOUR)  # no session
    run_jobs(conn)
    assert reasons(conn) == {"stray": ("waiting", None)}, "within the window it waits"
    add_session(conn, "B", "u1", T0 + 31 * 24 * HOUR, T0 + 31 * 24 * HOUR + 30 * MIN)  # the user's days go on
    link(conn, "B")
    assert reasons(conn) == {"stray": ("expired", None)}
    assert conn.execute("SELECT count(*) FROM datalinker.chunk_placements('u1')").fetchone() == (0,), \
        "no pass reads it again"
    # A session over its time, registered late: the operator brings the chunk back and it is placed.
    add_session(conn, "C", "u1", T0 + 110 * MIN, T0 + 130 * MIN)
    assert conn.execute("SELECT datalinker.unexpire('u1')").fetchone() == (1,)
    assert [(r["user_id"], r["outcome"], r["objects_linked"]) for r in run_jobs(conn)] == [("u1", "completed", 1)]
    assert (chunk(conn, "stray")["session_id"], chunk(conn, "stray")["start_time"]) == ("C", T0 + 2 * HOUR)
    assert reasons(conn) == {}


def test_an_upload_queues_a_placement_job_only_when_no_session_of_the_user_runs_at_its_receipt(
        conn: psycopg.Connection) -> None:
    """Judged by the upload's receipt time, not now(): a replayed day queues what a live one would."""
    add_session(conn, "running", "u1", T0, None)  # never ended (a forgotten session): claims at most max_session_us
    add_device_chunk(conn, "during", "u1", T0 + MIN, T0 + MIN + SEC, received_at=T0 + 2 * MIN)
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone() == (0,), \
        "its session's end places it"
    add_device_chunk(conn, "after", "u1", T0 + 25 * HOUR, T0 + 25 * HOUR + SEC, received_at=T0 + 25 * HOUR + 2 * SEC)
    assert conn.execute("SELECT message FROM pgmq.q_data_linker_queue").fetchall() == [({"user_id": "u1"},)], \
        "past max_session_us the session claims nothing: a placement job"


def pass_blocks(conn: psycopg.Connection, user: str) -> int:
    """Shared buffer blocks one placement pass of the user touches (its nested statements too), rolled back."""
    with conn.transaction(force_rollback=True):
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) SELECT * FROM datalinker.place_user(%s)",
                            [user]).fetchone()[0][0]["Plan"]  # type: ignore[index]
    return int(plan["Shared Hit Blocks"] + plan["Shared Read Blocks"])


def test_the_passes_after_a_link_do_not_read_the_rows_it_linked_again_and_again(conn: psycopg.Connection) -> None:
    # Statistics taken while three users' hours are pending (as after a busy upload spell); then one user's hour
    # is linked: its 7,200 rows leave the pending index, their entries dead until a VACUUM. The first pass after
    # visits them once and marks them dead; the next ones skip them (a bitmap scan would visit every one each pass).
    builders.add_session_series(conn, "kill-", 3, 60, T0, users=3, images=0)
    conn.execute("ANALYZE public.raw_data_objects")
    user = "kill-user-0000"
    row = conn.execute("SELECT session_id FROM public.sessions WHERE user_id = %s", [user]).fetchone()
    assert row is not None
    assert link(conn, row[0])["objects_linked"] == 7200
    first, second, third = (pass_blocks(conn, user) for _ in range(3))
    assert second < first / 2 and third == second
