"""python -m bench: link_session against the physical limit and the naive peer, scaling, throughput, RSS.

Runs on a throwaway database (a throwaway cluster, or a throwaway database on DATABASE_URL's server),
prints a markdown table of medians and, with --json PATH, the same figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench import placement, workload
from bench.naive import link_session_naively
from datalinker import dbadmin
from datalinker.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Size:
    sessions: int  # 60-min sessions timed for latency (median over them)
    background: int  # background rows at 1x (10x adds nine times as many)
    small_sessions: int  # sessions of 60 chunks per throughput run
    long_sessions: int  # 60-min sessions per throughput run
    rss_jobs: int  # jobs for the worker memory soak
    lab_day_users: int = 21  # simulated lab day: users (a third of their sessions buffered offline)
    lab_day_hours: float = 8
    minutes: float = 60


SIZES = {
    "default": Size(sessions=7, background=500_000, small_sessions=600, long_sessions=6, rss_jobs=10_000),
    "quick": Size(sessions=5, background=50_000, small_sessions=300, long_sessions=3, rss_jobs=1_000, lab_day_hours=2),
    "tiny": Size(sessions=2, background=2_000, small_sessions=20, long_sessions=1, rss_jobs=40, minutes=2,
                 lab_day_users=3, lab_day_hours=1),
}


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def session_ids(conn: psycopg.Connection, prefix: str, legacy_only: bool = True) -> list[str]:
    where = " AND clock_offset_info IS NOT NULL" if legacy_only else ""
    return [r[0] for r in conn.execute(f"SELECT session_id FROM public.sessions WHERE session_id LIKE %s{where}"
                                       " ORDER BY session_id", [prefix + "%"]).fetchall()]


# What link_session writes for the session, computed beforehand: the bare UPDATE then only writes it.
PRECOMPUTE = """
CREATE TEMP TABLE precomputed ON COMMIT DROP AS
SELECT c.object_id, c.start_time, c.end_time
FROM datalinker.chunk_placements((SELECT user_id FROM public.sessions WHERE session_id = %(sid)s)) c
WHERE c.status = 'placed' AND c.session_id = %(sid)s
"""


def latency(conn: psycopg.Connection, ids: list[str]) -> dict[str, float]:
    """Medians of link_session, the bare UPDATE and the naive peer on the same sessions (all rolled back)."""
    link, bare, naive = [], [], []
    for sid in ids:
        with conn.transaction(force_rollback=True):
            link.append(timed(lambda: conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid]).fetchall()))
        with conn.transaction(force_rollback=True):
            conn.execute(PRECOMPUTE, {"sid": sid})
            conn.execute("ANALYZE precomputed")
            bare.append(timed(lambda: conn.execute(
                "UPDATE public.raw_data_objects r SET start_time = p.start_time, end_time = p.end_time,"
                " session_id = %s FROM precomputed p WHERE r.object_id = p.object_id", [sid])))
        with conn.transaction(force_rollback=True):
            naive.append(timed(lambda: link_session_naively(conn, sid)))
        conn.execute("VACUUM public.raw_data_objects")
    return {"link_session_ms": statistics.median(link), "bare_update_ms": statistics.median(bare),
            "naive_peer_ms": statistics.median(naive)}


def link_only(conn: psycopg.Connection, ids: list[str]) -> float:
    runs = []
    for sid in ids:
        with conn.transaction(force_rollback=True):
            runs.append(timed(lambda: conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid]).fetchall()))
        conn.execute("VACUUM public.raw_data_objects")
    return statistics.median(runs)


def explain(conn: psycopg.Connection, sid: str) -> str:
    with conn.transaction(force_rollback=True):
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM datalinker.chunk_placements("
                            "(SELECT user_id FROM public.sessions WHERE session_id = %s))", [sid]).fetchall()
        plan = "\n".join(r[0] for r in rows)
        conn.execute("LOAD 'auto_explain'")
        conn.execute("SET LOCAL auto_explain.log_min_duration = 0")
        conn.execute("SET LOCAL auto_explain.log_nested_statements = on")
        conn.execute("SET LOCAL auto_explain.log_analyze = on")
        conn.execute("SET LOCAL auto_explain.log_buffers = on")
        conn.execute("SET LOCAL auto_explain.log_level = notice")
        notices: list[str] = []

        def collect(diag: psycopg.errors.Diagnostic) -> None:
            notices.append(diag.message_primary or "")

        conn.add_notice_handler(collect)
        conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid]).fetchall()
        conn.remove_notice_handler(collect)
    inner = [n for n in notices if "public.raw_data_objects" in n]
    return plan + "\n\n-- nested statements of link_session (auto_explain):\n" + "\n\n".join(inner)


def start_workers(conninfo: str, n: int) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ, DATABASE_URL=conninfo)
    procs = [subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--poll", "0.05"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]
    return procs


def wait_for(conn: psycopg.Connection, query: str, expected: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while (row := conn.execute(query).fetchone()) is None or row[0] < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{query!r} did not reach {expected}")
        dead = conn.execute(DEAD).fetchone()
        if dead and dead[0]:
            raise RuntimeError(f"jobs were dead-lettered: {conn.execute('SELECT message FROM pgmq.q_data_linker_dead_letter LIMIT 3').fetchall()}")
        time.sleep(0.02)


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=60)


LISTENERS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
             " AND query LIKE 'LISTEN%%'")
DOWNSTREAM = "SELECT count(*) FROM pgmq.q_event_correction_queue"
DEAD = "SELECT count(*) FROM pgmq.q_data_linker_dead_letter"


def pipeline(conn: psycopg.Connection, conninfo: str, prefix: str, workers: int, minutes: float) -> float:
    """sessions/s from end_session of all sessions to their last downstream message."""
    ids = session_ids(conn, prefix, legacy_only=False)
    conn.execute("SELECT pgmq.purge_queue('event_correction_queue')")
    procs = start_workers(conninfo, workers)
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
        started = time.perf_counter()
        wait_for(conn, DOWNSTREAM, len(ids))
        return len(ids) / (time.perf_counter() - started)
    finally:
        stop_workers(procs)


def direct(conn: psycopg.Connection, prefix: str) -> float:
    ids = session_ids(conn, prefix, legacy_only=False)
    started = time.perf_counter()
    for sid in ids:
        conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid]).fetchall()
    return len(ids) / (time.perf_counter() - started)


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


def run(size: Size, show_explain: bool) -> tuple[dict[str, float], str]:
    results: dict[str, float] = {}
    notes = ""
    given = bool(os.environ.get("DATABASE_URL"))
    # A throwaway cluster sized for the 10x table (about 1.5 GB), so runs measure the linker, not the disk.
    with dbadmin.server(prefer_ephemeral=not given, postgres_args="-c shared_buffers=2GB -c autovacuum=off") as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_bench") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            exp = workload.experiment(conn)
            say(f"loading {size.sessions} sessions of {size.minutes:g} min + {size.background:,} background rows")
            chunks = workload.make_sessions(conn, "lat-", size.sessions + 1, size.minutes, users=size.sessions + 1,
                                            new_device_every=size.sessions + 1, experiment_id=exp)
            buffered_chunks = placement.make_buffered(conn, "buf-", size.sessions, size.minutes, exp)
            placement.make_noisy(conn, "clk-", size.sessions, size.minutes, exp)
            workload.add_background(conn, size.background, "1")
            settle(conn)
            ids = session_ids(conn, "lat-")
            buffered_ids = session_ids(conn, "buf-")
            noisy_ids = session_ids(conn, "clk-")
            results["chunks_per_buffered_session"] = buffered_chunks / size.sessions
            results["chunks_per_session"] = chunks / (size.sessions + 1)
            results["rows_total"] = conn.execute("SELECT count(*) FROM public.raw_data_objects").fetchone()[0]  # type: ignore[index]
            say("latency: link_session, bare UPDATE, naive peer")
            link_only(conn, ids[:1])  # warm caches
            results.update(latency(conn, ids))
            say("placement: a buffered session uploaded 3 days late")
            link_only(conn, buffered_ids[:1])
            results["buffered_link_ms"] = link_only(conn, buffered_ids)
            say("clocks: 60 noisy sync measurements with a reset; fitting 10,000")
            link_only(conn, noisy_ids[:1])
            results["noisy_clock_link_ms"] = link_only(conn, noisy_ids)
            with conn.transaction(force_rollback=True):
                results["noisy_clock_linked"] = conn.execute(
                    "SELECT objects_linked FROM datalinker.link_session(%s)", [noisy_ids[0]]).fetchone()[0]  # type: ignore[index]
            results["fit_10000_ms"] = placement.fit_10000_ms(conn)

            say(f"scaling: adding {9 * size.background:,} background rows")
            workload.add_background(conn, 9 * size.background, "2")
            settle(conn)
            link_only(conn, ids[:1])
            results["link_session_ms_10x"] = link_only(conn, ids)
            results["buffered_link_ms_10x"] = link_only(conn, buffered_ids)
            results["rows_total_10x"] = conn.execute("SELECT count(*) FROM public.raw_data_objects").fetchone()[0]  # type: ignore[index]
            if show_explain:
                notes = explain(conn, ids[0])

            say("throughput: small sessions (60 chunks)")
            for key, prefix in (("direct", "sd-"), ("worker1", "s1-"), ("worker2", "s2-")):
                workload.make_sessions(conn, prefix, size.small_sessions, minutes=0.5, users=50,
                                       ended=key == "direct", new_device_every=5, experiment_id=exp, images=1)
            settle(conn)
            results["direct_sessions_per_s"] = direct(conn, "sd-")
            results["worker1_sessions_per_s"] = pipeline(conn, conninfo, "s1-", 1, 0.5)
            results["worker2_sessions_per_s"] = pipeline(conn, conninfo, "s2-", 2, 0.5)

            say("throughput: 60-min sessions")
            for key, prefix in (("direct", "ld-"), ("worker1", "l1-"), ("worker2", "l2-")):
                workload.make_sessions(conn, prefix, size.long_sessions, size.minutes, users=size.long_sessions,
                                       ended=key == "direct", experiment_id=exp,
                                       day=workload.DAY.replace(day=3 + len(key)))
            settle(conn)
            results["direct_60min_sessions_per_s"] = direct(conn, "ld-")
            results["worker1_60min_sessions_per_s"] = pipeline(conn, conninfo, "l1-", 1, size.minutes)
            results["worker2_60min_sessions_per_s"] = pipeline(conn, conninfo, "l2-", 2, size.minutes)

            say(f"placement: a lab day of {size.lab_day_users} users, {size.lab_day_hours:g} h")
            results.update(placement.lab_day(conn, size.lab_day_users, size.lab_day_hours,
                                             minutes=45 if size.minutes >= 45 else size.minutes))

            say(f"memory: one worker over {size.rss_jobs:,} jobs")
            results["worker_rss_mb_start"], results["worker_rss_mb_end"] = rss_soak(conn, conninfo, size.rss_jobs)
            results["rss_jobs"] = size.rss_jobs
    return results, notes


def settle(conn: psycopg.Connection) -> None:
    """After a bulk load: vacuum, analyze and checkpoint now, so none of it runs during a measurement."""
    conn.execute("VACUUM ANALYZE")
    conn.execute("CHECKPOINT")


def workers_scan(sessions: int, max_workers: int = 4) -> dict[str, float]:
    """Pipeline throughput of small and 15-min sessions with 1..max_workers worker processes."""
    results: dict[str, float] = {}
    with dbadmin.server(prefer_ephemeral=not os.environ.get("DATABASE_URL"),
                        postgres_args="-c shared_buffers=1GB -c autovacuum=off") as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_bench") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for n in range(1, max_workers + 1):
                say(f"{n} worker(s)")
                workload.make_sessions(conn, f"w{n}s-", sessions, minutes=0.5, users=50, ended=False,
                                       new_device_every=5, images=1)
                workload.make_sessions(conn, f"w{n}l-", max(4, sessions // 40), minutes=15, users=20, ended=False,
                                       day=workload.DAY.replace(day=10 + n))
                settle(conn)
                results[f"workers{n}_small_sessions_per_s"] = pipeline(conn, conninfo, f"w{n}s-", n, 0.5)
                results[f"workers{n}_15min_sessions_per_s"] = pipeline(conn, conninfo, f"w{n}l-", n, 15)
    return results


def say(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def table(r: dict[str, float]) -> str:
    rows = [
        ("link_session, one 60-min session (ms)", r["link_session_ms"], ""),
        ("bare UPDATE of the same rows, precomputed (ms)", r["bare_update_ms"], ""),
        ("link_session / bare UPDATE", r["link_session_ms"] / r["bare_update_ms"], "<= 1.5"),
        ("naive peer: fetch, compute in Python, UPDATE row by row (ms)", r["naive_peer_ms"], ""),
        ("naive peer / link_session", r["naive_peer_ms"] / r["link_session_ms"], ">= 25"),
        ("link_session with 10x background rows (ms)", r["link_session_ms_10x"], ""),
        ("10x / 1x latency", r["link_session_ms_10x"] / r["link_session_ms"], "<= 1.3"),
        ("buffered 60-min session uploaded 3 days late: link_session (ms)", r["buffered_link_ms"], ""),
        ("buffered / live link_session", r["buffered_link_ms"] / r["link_session_ms"], "<= 2.0"),
        ("buffered session with 10x background rows (ms)", r["buffered_link_ms_10x"], ""),
        ("10x / 1x, buffered", r["buffered_link_ms_10x"] / r["buffered_link_ms"], "<= 1.3"),
        ("link_session, same session, 60 noisy sync measurements + a reset (ms)", r["noisy_clock_link_ms"], ""),
        ("noisy clock / offset_ms_avg only", r["noisy_clock_link_ms"] / r["link_session_ms"], "<= 2.0"),
        ("chunks linked with the noisy clock / per session", f"{int(r['noisy_clock_linked']):,} / {int(r['chunks_per_session']):,}", "equal"),
        ("fitting 10,000 sync measurements (ms)", r["fit_10000_ms"], "< 1000"),
        ("lab day: users / sessions / chunks",
         f"{int(r['lab_day_users'])} / {int(r['lab_day_sessions'])} / {int(r['lab_day_chunks']):,}", ""),
        ("lab day: time to place everything, session by session (s)", r["lab_day_s"], ""),
        ("lab day: chunks placed per second", r["lab_day_chunks_per_s"], ""),
        ("lab day: chunks placed / chunks", r["lab_day_placed"] / r["lab_day_chunks"], "1.0"),
        ("direct link_session calls, small sessions (sessions/s)", r["direct_sessions_per_s"], ""),
        ("pipeline, 1 worker, small sessions (sessions/s)", r["worker1_sessions_per_s"], ""),
        ("pipeline, 2 workers, small sessions (sessions/s)", r["worker2_sessions_per_s"], ">= 200"),
        ("1 worker / direct", r["worker1_sessions_per_s"] / r["direct_sessions_per_s"], ">= 0.9"),
        ("direct link_session calls, 60-min sessions (sessions/s)", r["direct_60min_sessions_per_s"], ""),
        ("pipeline, 1 worker, 60-min sessions (sessions/s)", r["worker1_60min_sessions_per_s"], ""),
        ("pipeline, 2 workers, 60-min sessions (sessions/s)", r["worker2_60min_sessions_per_s"], ""),
        ("1 worker / direct, 60-min sessions", r["worker1_60min_sessions_per_s"] / r["direct_60min_sessions_per_s"],
         ">= 0.9"),
        ("worker RSS after 10 % of the jobs (MB)", r["worker_rss_mb_start"], ""),
        (f"worker RSS after {int(r['rss_jobs']):,} jobs (MB)", r["worker_rss_mb_end"], "flat"),
        ("rows in raw_data_objects (1x / 10x)", f"{int(r['rows_total']):,} / {int(r['rows_total_10x']):,}", ""),
        ("chunks per 60-min session", r["chunks_per_session"], ""),
    ]
    lines = ["| measure | value | target |", "|---|---:|---|"]
    for name, value, target in rows:
        shown = value if isinstance(value, str) else f"{value:,.2f}"
        lines.append(f"| {name} | {shown} | {target} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_const", const="quick", dest="size", help="under a minute")
    parser.add_argument("--tiny", action="store_const", const="tiny", dest="size", help="smoke-test size")
    parser.add_argument("--background", type=int, help="background rows at 1x (default 500,000)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of the linker")
    parser.add_argument("--workers-scan", action="store_true",
                        help="only measure pipeline throughput with 1 to 4 worker processes")
    args = parser.parse_args(argv)
    if args.workers_scan:
        scan = workers_scan(sessions={"tiny": 20, "quick": 200}.get(args.size or "", 600))
        print("| workers | small sessions/s (60 chunks) | 15-min sessions/s (1,800 chunks) |")
        print("|---:|---:|---:|")
        for n in range(1, 5):
            print(f"| {n} | {scan[f'workers{n}_small_sessions_per_s']:,.0f} | {scan[f'workers{n}_15min_sessions_per_s']:,.1f} |")
        if args.json:
            args.json.write_text(json.dumps(scan, indent=2, sort_keys=True) + "\n")
        return 0
    size = SIZES[args.size or "default"]
    if args.background:
        size = Size(**{**size.__dict__, "background": args.background})
    started = time.monotonic()
    results, notes = run(size, args.explain)
    results["elapsed_s"] = time.monotonic() - started
    print(table(results))
    print(f"\n{results['elapsed_s']:.0f} s in all; medians of {size.sessions} sessions for the latencies.")
    if notes:
        print("\n```\n" + notes + "\n```")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
