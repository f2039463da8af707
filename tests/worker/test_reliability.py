"""Under load, crashes and restarts nothing is lost, nothing linked twice or wrongly (real worker processes)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from bench import workload
from tests.fuzzcount import CASES
from tests.workers import background_worker, queue_messages, wait_until

ROOT = Path(__file__).resolve().parents[2]


def spawn_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--poll", "0.2", *args], env=env,
                                stdout=out, stderr=out)


def make_jobs(conn: psycopg.Connection, n: int, users: int, duplicates: int = 0) -> int:
    """n small sessions (8 chunks, some new-device, an image each) ended through end_session; returns jobs queued."""
    workload.make_sessions(conn, "r-", n, minutes=4 / 60, users=users, ended=False, new_device_every=7, images=1)
    conn.execute("SELECT count(datalinker.end_session(session_id, start_time + interval '4 seconds'))"
                 " FROM public.sessions WHERE session_id LIKE 'r-%%'")
    if duplicates:
        conn.execute("SELECT count(datalinker.enqueue_link(session_id)) FROM (SELECT session_id FROM public.sessions"
                     " WHERE session_id LIKE 'r-%%' ORDER BY session_id LIMIT %s) s", [duplicates])
    return n + duplicates


def slow_jobs(conn: psycopg.Connection, max_seconds: float) -> None:
    """Each linking UPDATE sleeps a little, so that kills and restarts land in the middle of jobs."""
    conn.execute(f"""CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN PERFORM pg_sleep(random() * {max_seconds}); RETURN NULL; END $$""")
    conn.execute("CREATE TRIGGER slow BEFORE UPDATE ON public.raw_data_objects FOR EACH STATEMENT"
                 " EXECUTE FUNCTION public.slow()")


def downstream_count(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT count(*) FROM pgmq.q_event_correction_queue").fetchone()
    return int(row[0]) if row else 0


def assert_all_linked_exactly_once(conn: psycopg.Connection, jobs: int) -> None:
    statuses = dict(conn.execute("SELECT link_status, count(*) FROM public.sessions GROUP BY 1").fetchall())
    assert set(statuses) == {"completed"}, f"every session completed, got {statuses}"
    per_session = conn.execute(
        "SELECT s.session_id, count(*) FILTER (WHERE q.message IS NOT NULL) AS downstream,"
        "       (SELECT count(*) FROM pgmq.a_data_linker_queue a WHERE a.message ->> 'session_id' = s.session_id)"
        " FROM public.sessions s LEFT JOIN pgmq.q_event_correction_queue q ON q.message ->> 'session_id' = s.session_id"
        " GROUP BY s.session_id HAVING count(*) FILTER (WHERE q.message IS NOT NULL) = 0").fetchall()
    assert per_session == [], "a session without its downstream message"
    assert downstream_count(conn) == jobs, "exactly one downstream message per job"
    wrong = conn.execute(
        "SELECT count(*) FROM public.raw_data_objects r JOIN public.sessions s"
        " ON s.session_id = split_part(r.object_id, '/', 1)"
        " WHERE r.session_id IS DISTINCT FROM s.session_id"
        "    OR r.start_time <> s.start_time + split_part(r.object_id, '/', 3)::int * interval '1 second'").fetchone()
    assert wrong == (0,), "every chunk linked to its own session, at its true time, none left over"
    assert queue_messages(conn, "data_linker_dead_letter") == [] and queue_messages(conn, "data_linker_queue") == []


def test_four_workers_drain_1000_sessions_each_linked_once(db_env: dict[str, str], conn: psycopg.Connection,
                                                            tmp_path: Path) -> None:
    jobs = make_jobs(conn, 1000, users=60, duplicates=50)  # users share sessions; 50 jobs enqueued twice
    log = tmp_path / "workers.log"
    procs = [spawn_worker(db_env, log) for _ in range(4)]
    try:
        wait_until(lambda: downstream_count(conn) >= jobs, timeout=180, what=f"{jobs} downstream messages")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=60) for p in procs]
    assert codes == [0, 0, 0, 0]
    assert_all_linked_exactly_once(conn, jobs)
    text = log.read_text()
    assert "Traceback" not in text and "unexpected error" not in text
    CASES["concurrency: sessions drained by 4 workers"] += 1000


def test_dba_and_worker_linking_the_same_session_are_both_safe(db: str, conn: psycopg.Connection) -> None:
    jobs = make_jobs(conn, 1, users=1)
    [sid] = [r[0] for r in conn.execute("SELECT session_id FROM public.sessions")]
    with psycopg.connect(db) as dba:  # the DBA's transaction holds the session row lock
        dba_row = dba.execute("SELECT objects_linked FROM datalinker.link_session(%s)", [sid]).fetchone()
        with background_worker(db, vt_seconds=30):
            time.sleep(1.0)  # the worker is now waiting for the DBA's lock
            assert downstream_count(conn) == 0
            dba.commit()
            wait_until(lambda: downstream_count(conn) == jobs, what="the worker's job after the DBA's commit")
    row = conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id = %s", [sid]).fetchone()
    assert dba_row is not None and row == (dba_row[0],), "same end state: nothing linked twice"
    assert_all_linked_exactly_once(conn, jobs)


def kill_trials(db_env: dict[str, str], conn: psycopg.Connection, tmp_path: Path, trials: int) -> None:
    jobs = make_jobs(conn, 40 + 8 * trials, users=25)  # more than 20 short-lived workers can finish
    slow_jobs(conn, 0.2)
    rng = random.Random(20261123)
    log = tmp_path / "workers.log"
    for _ in range(trials):
        proc = spawn_worker(db_env, log, "--vt", "1", "--max-attempts", "1000")
        time.sleep(rng.uniform(0.3, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert downstream_count(conn) < jobs, "the kills must have interrupted the run"
    final = spawn_worker(db_env, log, "--vt", "1", "--max-attempts", "1000")
    try:
        wait_until(lambda: downstream_count(conn) >= jobs, timeout=300, what="the restarted worker to finish")
    finally:
        final.send_signal(signal.SIGTERM)
        assert final.wait(timeout=60) == 0
    assert_all_linked_exactly_once(conn, jobs)
    CASES["crash: kill -9 trials"] += trials


def test_kill_9_at_random_points_loses_nothing(db_env: dict[str, str], conn: psycopg.Connection,
                                               tmp_path: Path) -> None:
    kill_trials(db_env, conn, tmp_path, trials=20)


@pytest.mark.long
def test_kill_9_long_mode(db_env: dict[str, str], conn: psycopg.Connection, tmp_path: Path) -> None:
    kill_trials(db_env, conn, tmp_path, trials=200)


def test_database_restart_mid_run_worker_reconnects_and_drains(db_env: dict[str, str], conn: psycopg.Connection,
                                                                tmp_path: Path) -> None:
    jobs = make_jobs(conn, 120, users=20)
    slow_jobs(conn, 0.05)
    log = tmp_path / "worker.log"
    proc = spawn_worker(db_env, log, "--vt", "1")
    stop = threading.Event()
    try:
        for _ in range(3):  # "restart": every backend of the database but ours is terminated
            time.sleep(1.0)
            conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        wait_until(lambda: downstream_count(conn) >= jobs, timeout=120, what="the queue to drain after restarts")
    finally:
        stop.set()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    assert_all_linked_exactly_once(conn, jobs)
    assert "reconnecting" in log.read_text()
    CASES["restarts: backends terminated mid-run"] += 3


def test_worker_process_exit_code_on_sigint(db_env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "w.log"
    proc = spawn_worker(db_env, log)
    # Signalled once it runs (handlers installed before it logs its start): a fixed sleep signalled a worker still
    # starting on a loaded machine, which the default handler killed (-2).
    wait_until(lambda: "worker started" in log.read_text(), what="the worker to start")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert "worker stopped" in log.read_text()
