"""Measurements through real worker processes: end_session → worker → downstream message, and worker memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench import workload
from bench.measure import session_ids, settle
from datalinker import dbadmin
from datalinker.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
LISTENERS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
             " AND query LIKE 'LISTEN%%'")
DOWNSTREAM = "SELECT count(*) FROM pgmq.q_event_correction_queue"
DEAD = "SELECT count(*) FROM pgmq.q_data_linker_dead_letter"


def start_workers(conninfo: str, n: int, *options: str) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ, DATABASE_URL=conninfo)
    return [subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--poll", "0.05", *options], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=60)


def wait_for(conn: psycopg.Connection, query: str, expected: int, timeout: float = 600, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while (row := conn.execute(query).fetchone()) is None or row[0] < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{query!r} did not reach {expected}")
        dead = conn.execute(DEAD).fetchone()
        if dead and dead[0]:
            raise RuntimeError("jobs were dead-lettered: "
                               f"{conn.execute('SELECT message FROM pgmq.q_data_linker_dead_letter LIMIT 3').fetchall()}")
        time.sleep(every)


# The run's duration in the database's own clock: from the commit of the end_session calls to the start of the
# last job's transaction (enqueued_at of its downstream message), so the bench's polling neither adds to it nor,
# polling slowly, competes with the worker for the CPU.
STARTED = "SELECT clock_timestamp()"
LAST_DONE = "SELECT extract(epoch FROM max(enqueued_at) - %s) FROM pgmq.q_event_correction_queue"


def pipeline(conn: psycopg.Connection, conninfo: str, prefix: str, workers: int, minutes: float,
             *options: str) -> float:
    """sessions/s from end_session of all sessions to their last downstream message."""
    ids = session_ids(conn, prefix, legacy_only=False)
    conn.execute("SELECT pgmq.purge_queue('event_correction_queue')")
    procs = start_workers(conninfo, workers, *options)
    try:
        wait_for(conn, LISTENERS, workers, timeout=60)
        # Warm-up: fresh worker processes plan their statements on the first jobs; not part of the figure.
        warm = f"warm-{prefix}"
        workload.make_sessions(conn, warm, 10 * workers, minutes=0.5, users=10 * workers, images=0)
        conn.execute("SELECT count(datalinker.enqueue_link(session_id)) FROM public.sessions"
                     " WHERE session_id LIKE %s", [warm + "%"])
        wait_for(conn, DOWNSTREAM, 10 * workers)
        conn.execute("SELECT pgmq.purge_queue('event_correction_queue')")
        # The Session Manager's end_session calls, in one transaction: every job becomes visible at its commit,
        # which is when the clock starts (the calls themselves are the Session Manager's time, not the worker's).
        conn.execute("SELECT count(datalinker.end_session(s.session_id, s.start_time + %s * interval '1 minute'))"
                     " FROM public.sessions s WHERE s.session_id = ANY(%s)", [minutes, ids])
        started = conn.execute(STARTED).fetchone()
        assert started is not None
        wait_for(conn, DOWNSTREAM, len(ids), every=0.25)
        elapsed = conn.execute(LAST_DONE, [started[0]]).fetchone()
        assert elapsed is not None
        return len(ids) / float(elapsed[0])
    finally:
        stop_workers(procs)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def rss_soak(conn: psycopg.Connection, conninfo: str, jobs: int) -> tuple[float, float]:
    """RSS of one worker process after a warm-up of 10 % of the jobs and after all of them."""
    # New-device sessions: this measures the worker's memory over many jobs, not placement (see the lab day).
    workload.make_sessions(conn, "rss-", jobs, minutes=1 / 60, users=50, ended=True, images=0, new_device_every=1)
    procs = start_workers(conninfo, 1)
    try:
        wait_for(conn, LISTENERS, 1, timeout=60)
        conn.execute("SELECT pgmq.purge_queue('event_correction_queue')")
        conn.execute("SELECT count(datalinker.enqueue_link(session_id)) FROM public.sessions"
                     " WHERE session_id LIKE 'rss-%%'")
        wait_for(conn, DOWNSTREAM, max(1, jobs // 10))
        start = rss_mb(procs[0].pid)
        wait_for(conn, DOWNSTREAM, jobs)
        return start, rss_mb(procs[0].pid)
    finally:
        stop_workers(procs)


def workers_scan(sessions: int, max_workers: int = 4) -> dict[str, float]:
    """Pipeline throughput of small and 15-min sessions with 1..max_workers worker processes."""
    results: dict[str, float] = {}
    with dbadmin.server(prefer_ephemeral=not os.environ.get("DATABASE_URL"),
                        postgres_args="-c shared_buffers=1GB -c autovacuum=off") as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_bench") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for n in range(1, max_workers + 1):
                print(f"# {n} worker(s)", file=sys.stderr, flush=True)
                workload.make_sessions(conn, f"w{n}s-", sessions, minutes=0.5, users=50, ended=False,
                                       new_device_every=5, images=1)
                workload.make_sessions(conn, f"w{n}l-", max(4, sessions // 40), minutes=15, users=20, ended=False,
                                       day=workload.DAY.replace(day=10 + n))
                settle(conn)
                results[f"workers{n}_small_sessions_per_s"] = pipeline(conn, conninfo, f"w{n}s-", n, 0.5)
                results[f"workers{n}_15min_sessions_per_s"] = pipeline(conn, conninfo, f"w{n}l-", n, 15)
    return results
