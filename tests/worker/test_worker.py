"""The worker daemon end to end: hand-off, retries, crashes, concurrency, signals, the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg

from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, chunk, session
from tests.workers import background_worker, dead_letters, drain, queue_messages, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_sessions(conn: psycopg.Connection, n: int, users: int = 3) -> list[str]:
    ids = []
    for i in range(n):
        sid, user = f"s{i:04d}", f"u{i % users}"
        start = T0 + i * 20 * MIN
        add_session(conn, sid, user, start, None)
        # a live stream of two 3-min chunks, each uploaded as it ends
        add_device_chunk(conn, f"{sid}-c1", user, start + MIN, start + 4 * MIN)
        add_device_chunk(conn, f"{sid}-c2", user, start + 4 * MIN, start + 7 * MIN)
        conn.execute("SELECT datalinker.end_session(%s, %s)", [sid, start + 10 * MIN])
        ids.append(sid)
    return ids


def downstream(conn: psycopg.Connection) -> list[str]:
    return [m["session_id"] for m in queue_messages(conn, "event_correction_queue")]


def slow_first_update(conn: psycopg.Connection, seconds: float) -> None:
    """The first link attempt sleeps inside its UPDATE (a long job); later attempts run at full speed."""
    conn.execute("CREATE SEQUENCE public.attempts")  # nextval survives the rollback of the attempt
    conn.execute(f"""
        CREATE FUNCTION public.slow_once() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            IF nextval('public.attempts') = 1 THEN
                PERFORM pg_sleep({seconds});
            END IF;
            RETURN NEW;
        END $$""")
    conn.execute("CREATE TRIGGER slow BEFORE UPDATE ON public.raw_data_objects"
                 " FOR EACH STATEMENT EXECUTE FUNCTION public.slow_once()")


def busy_job_pid(conn: psycopg.Connection) -> int | None:
    row = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                       " AND query LIKE '%%process_job%%' AND state = 'active' AND pid <> pg_backend_pid()").fetchone()
    return None if row is None else row[0]


def test_end_to_end_every_session_completed_with_exactly_one_downstream_message(db: str, conn: psycopg.Connection) -> None:
    ids = make_sessions(conn, 12)
    drain(db)
    assert sorted(downstream(conn)) == ids
    statuses = conn.execute("SELECT link_status, count(*) FROM public.sessions GROUP BY 1").fetchall()
    assert statuses == [("completed", 12)]
    assert queue_messages(conn, "data_linker_queue") == [] and dead_letters(conn) == []


def test_a_poison_job_never_blocks_the_ones_behind_it(db: str, conn: psycopg.Connection) -> None:
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"session": "typo"}')""")
    ids = make_sessions(conn, 3)
    drain(db)
    assert sorted(downstream(conn)) == ids
    assert [d["reason"] for d in dead_letters(conn)] == ["bad_payload"]


def test_transient_error_is_retried_then_succeeds(db: str, conn: psycopg.Connection) -> None:
    [sid] = make_sessions(conn, 1)
    conn.execute("CREATE SEQUENCE public.attempts")  # nextval survives the rollback of the attempt
    conn.execute("""
        CREATE FUNCTION public.fail_once() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            IF nextval('public.attempts') = 1 THEN
                RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = '40001';
            END IF;
            RETURN NEW;
        END $$""")
    conn.execute("CREATE TRIGGER t BEFORE UPDATE ON public.raw_data_objects FOR EACH STATEMENT"
                 " EXECUTE FUNCTION public.fail_once()")
    with background_worker(db, vt_seconds=30):  # the retry comes after a 2 s backoff, not the 30 s vt
        wait_until(lambda: downstream(conn) == [sid], timeout=20, what="the retry to complete the session")
    (statements,) = conn.execute("SELECT last_value FROM public.attempts").fetchone()
    assert statements >= 2, "the first UPDATE failed, the retry ran UPDATEs again"
    assert downstream(conn) == [sid], "failed once, then succeeded exactly once"
    assert session(conn, sid)["link_status"] == "completed"
    row = conn.execute("SELECT read_ct FROM pgmq.a_data_linker_queue").fetchone()
    assert row is None, "completed jobs are deleted, not archived"


def test_connection_killed_mid_job_is_redelivered_with_no_partial_state(db: str, conn: psycopg.Connection) -> None:
    [sid] = make_sessions(conn, 1)
    slow_first_update(conn, 30)
    with background_worker(db, vt_seconds=2):
        wait_until(lambda: busy_job_pid(conn) is not None, what="the job to be running")
        wait_until(lambda: conn.execute("SELECT is_called FROM public.attempts").fetchone() == (True,),
                   what="the job to be inside its first UPDATE")
        pid = busy_job_pid(conn)
        # The work transaction is inside its UPDATE: killing it must leave no trace.
        conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert chunk(conn, f"{sid}-c1")["session_id"] is None, "nothing of the killed attempt is visible"
        wait_until(lambda: downstream(conn) == [sid], what="redelivery after the visibility timeout")
    assert session(conn, sid)["link_status"] == "completed"
    assert chunk(conn, f"{sid}-c1")["session_id"] == sid and chunk(conn, f"{sid}-c2")["session_id"] == sid
    assert downstream(conn) == [sid], "exactly one downstream message"


def test_two_workers_link_each_session_once(db: str, conn: psycopg.Connection) -> None:
    ids = make_sessions(conn, 40, users=4)
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"session_id": "s0003"}')""")  # enqueued twice
    drain(db, concurrency=2)
    assert sorted(downstream(conn)) == sorted(ids + ["s0003"]), "one downstream message per job"
    linked_twice = conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NULL").fetchone()
    assert linked_twice == (0,)
    assert conn.execute("SELECT count(DISTINCT link_status) FROM public.sessions").fetchone() == (1,)


def test_sigterm_during_a_job_finishes_it_and_exits_0(db_env: dict[str, str], conn: psycopg.Connection) -> None:
    [sid] = make_sessions(conn, 1)
    slow_first_update(conn, 2)
    proc = subprocess.Popen([sys.executable, "-m", "datalinker.cli", "worker", "--poll", "0.2"], env=db_env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: busy_job_pid(conn) is not None, what="the job to be running")
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    assert session(conn, sid)["link_status"] == "completed" and downstream(conn) == [sid]
    assert "outcome=completed" in output and "worker stopped after 1 job(s)" in output


def test_worker_logs_one_structured_line_per_job(db_env: dict[str, str], conn: psycopg.Connection) -> None:
    make_sessions(conn, 2)
    result = subprocess.run([sys.executable, "worker.py", "--exit-when-idle"], env=db_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    lines = [line for line in result.stderr.splitlines() if " job msg_id=" in line]
    assert len(lines) == 2
    for line in lines:
        for key in ("session=", "outcome=completed", "converted=2", "linked=2", "media=0", "ms="):
            assert key in line, f"{key} missing in {line!r}"


def test_demo_runs_end_to_end_at_a_small_size(db_env: dict[str, str]) -> None:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "demo", "--users", "2", "--minutes", "3"],
                            env=db_env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4/4 sessions completed" in result.stdout
    progress = [line for line in result.stderr.splitlines() if line.startswith("linking sessions")]
    assert progress and progress[-1].rstrip().endswith("4/4"), "rich progress on stderr ends at 4 of 4"
    assert time.monotonic() - started < 120


def test_late_uploads_are_placed_by_the_worker_on_its_own(db: str, conn: psycopg.Connection) -> None:
    [sid] = make_sessions(conn, 1)
    drain(db)
    assert downstream(conn) == [sid]
    start = session(conn, sid)["start_time"]
    # The device re-sends a chunk it had lost, hours later; nobody calls link_session again.
    add_device_chunk(conn, "resent", "u0", start + 7 * MIN, start + 8 * MIN, received_at=start + 6 * 60 * MIN)
    assert conn.execute("SELECT user_id FROM datalinker.placement_requests").fetchall() == [("u0",)]
    drain(db)  # --exit-when-idle: returns only when nothing placeable is left
    assert chunk(conn, "resent")["session_id"] == sid and chunk(conn, "resent")["start_time"] == start + 7 * MIN
    assert downstream(conn) == [sid, sid], "the completed session is announced again with its late chunk"
    assert conn.execute("SELECT count(*) FROM datalinker.placement_requests").fetchone() == (0,)


def test_a_lock_held_elsewhere_delays_only_its_own_job(db: str, conn: psycopg.Connection) -> None:
    first, second = make_sessions(conn, 2)
    with psycopg.connect(db) as holder:
        holder.execute("SELECT 1 FROM public.sessions WHERE session_id = %s FOR UPDATE", [first])
        with background_worker(db, lock_timeout_ms=200, vt_seconds=2):
            wait_until(lambda: second in downstream(conn), timeout=20, what="the other session to be linked meanwhile")
            assert session(conn, first)["link_status"] != "failed", "a held lock is transient, never a failure"
            holder.rollback()  # the lock goes away: the first job is retried and completes
            wait_until(lambda: first in downstream(conn), timeout=30, what="the held session after the lock is gone")
    assert session(conn, first)["link_status"] == "completed"
