"""python -m bench: link_session against the physical limit and the naive peer, scaling, throughput, RSS.

Runs on a throwaway database (a throwaway cluster, or a throwaway database on DATABASE_URL's server),
prints a markdown table of medians and, with --json PATH, the same figures as JSON. Each figure is one
small function below (a stage); sizes and data live in workload.py, measurements in measure.py (one
connection) and pipeline.py (worker processes), the table in report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench import amqp, history, measure, placement, report, shards, workload
from bench.pipeline import pipeline, rss_soak
from bench.pipeline import workers_scan as pipeline_scan
from datalinker import dbadmin
from datalinker.migrate import migrate


@dataclass
class Run:
    conn: psycopg.Connection
    conninfo: str
    size: workload.Size
    experiment_id: object = None
    results: dict[str, float] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    notes: str = ""


def count_rows(conn: psycopg.Connection) -> float:
    row = conn.execute("SELECT count(*) FROM public.raw_data_objects").fetchone()
    assert row is not None
    return float(row[0])


def load(r: Run) -> None:
    size = r.size
    say(f"loading {size.sessions} sessions of {size.minutes:g} min + {size.background:,} background rows")
    r.experiment_id = workload.experiment(r.conn)
    chunks = workload.make_sessions(r.conn, "lat-", size.sessions + 1, size.minutes, users=size.sessions + 1,
                                    new_device_every=size.sessions + 1, experiment_id=r.experiment_id)
    buffered = placement.make_buffered(r.conn, "buf-", size.sessions, size.minutes, r.experiment_id)
    placement.make_noisy(r.conn, "clk-", size.sessions, size.minutes, r.experiment_id)
    workload.add_background(r.conn, size.background, "1")
    measure.settle(r.conn)
    r.ids = {prefix: measure.session_ids(r.conn, prefix) for prefix in ("lat-", "buf-", "clk-")}
    r.results.update(chunks_per_buffered_session=buffered / size.sessions,
                     chunks_per_session=chunks / (size.sessions + 1), rows_total=count_rows(r.conn))


def latency(r: Run) -> None:
    say("latency: link_session, bare UPDATE, naive peer")
    measure.link_only(r.conn, r.ids["lat-"][:1])  # warm caches
    r.results.update(measure.latency(r.conn, r.ids["lat-"]))


def buffered(r: Run) -> None:
    say("placement: a buffered session uploaded 3 days late")
    measure.link_only(r.conn, r.ids["buf-"][:1])
    r.results["buffered_link_ms"] = measure.link_only(r.conn, r.ids["buf-"])


def clocks(r: Run) -> None:
    say("clocks: 60 noisy sync measurements with a reset; fitting 10,000")
    noisy = r.ids["clk-"]
    measure.link_only(r.conn, noisy[:1])
    r.results["noisy_clock_link_ms"] = measure.link_only(r.conn, noisy)
    r.results["noisy_clock_linked"] = placement.objects_linked(r.conn, noisy[0])
    r.results["fit_10000_ms"] = placement.fit_10000_ms(r.conn)


def scaling(r: Run, explain: bool) -> None:
    say(f"scaling: adding {9 * r.size.background:,} background rows")
    workload.add_background(r.conn, 9 * r.size.background, "2")
    measure.settle(r.conn)
    measure.link_only(r.conn, r.ids["lat-"][:1])
    r.results["link_session_ms_10x"] = measure.link_only(r.conn, r.ids["lat-"])
    r.results["buffered_link_ms_10x"] = measure.link_only(r.conn, r.ids["buf-"])
    r.results["rows_total_10x"] = count_rows(r.conn)
    if explain:
        r.notes = measure.explain(r.conn, r.ids["lat-"][0])


BATCH = ("--batch", "10")  # the workers' claim size in the throughput figures (worker1_batch1: --batch 1)


def throughput(r: Run, label: str, key: str, n: int, minutes: float, **options: object) -> None:
    """Direct link_session calls, then the pipeline with 1 and 2 workers, on sessions of the same shape."""
    say(f"throughput: {label}")
    for run, prefix in (("direct", "d-"), ("worker1", "1-"), ("worker2", "2-"), ("batch1", "b-")):
        workload.make_sessions(r.conn, key + prefix, n, minutes, ended=run == "direct",
                               experiment_id=r.experiment_id, **options)  # type: ignore[arg-type]
    measure.settle(r.conn)
    suffix = "" if key == "s" else "_60min"
    r.results[f"direct{suffix}_sessions_per_s"] = measure.direct(r.conn, key + "d-")
    r.results[f"worker1{suffix}_sessions_per_s"] = pipeline(r.conn, r.conninfo, key + "1-", 1, minutes, *BATCH)
    r.results[f"worker2{suffix}_sessions_per_s"] = pipeline(r.conn, r.conninfo, key + "2-", 2, minutes, *BATCH)
    r.results[f"worker1_batch1{suffix}_sessions_per_s"] = pipeline(r.conn, r.conninfo, key + "b-", 1, minutes)


def small_sessions(r: Run) -> None:
    throughput(r, "small sessions (60 chunks)", "s", r.size.small_sessions, 0.5, users=50, new_device_every=5,
               images=1)


def long_sessions(r: Run) -> None:
    throughput(r, "60-min sessions", "l", r.size.long_sessions, r.size.minutes, users=r.size.long_sessions,
               day=workload.DAY.replace(day=4))


def lab_day(r: Run) -> None:
    say(f"placement: a lab day of {r.size.lab_day_users} users, {r.size.lab_day_hours:g} h")
    r.results.update(placement.lab_day(r.conn, r.size.lab_day_users, r.size.lab_day_hours,
                                       minutes=45 if r.size.minutes >= 45 else r.size.minutes))


def history_cost(r: Run) -> None:
    say(f"history: {r.size.history_days} days of one user's 8-h wear, each against a fresh user's day")
    r.results.update(history.run(r.conn, r.size.history_days))


def memory(r: Run) -> None:
    say(f"memory: one worker over {r.size.rss_jobs:,} jobs")
    r.results["worker_rss_mb_start"], r.results["worker_rss_mb_end"] = rss_soak(r.conn, r.conninfo, r.size.rss_jobs)
    r.results["rss_jobs"] = r.size.rss_jobs


CLUSTER_ARGS = "-c shared_buffers=2GB -c autovacuum=off -c max_wal_size=8GB -c checkpoint_timeout=1h"
# --only: these stages after the load (the lab day's and the history's figures, without the rest).
ONLY_STAGES: dict[str, Callable[[Run], None]] = {"lab-day": lab_day, "history": history_cost}


def run(size: workload.Size, show_explain: bool, only: list[str] | None = None) -> tuple[dict[str, float], str]:
    stages: list[Callable[[Run], None]] = [load, latency, buffered, clocks, lambda r: scaling(r, show_explain),
                                           small_sessions, long_sessions, lab_day, history_cost, memory]
    if only:
        stages = [load] + [ONLY_STAGES[name] for name in only]
    given = bool(os.environ.get("DATABASE_URL"))
    # A throwaway cluster sized for the 10x table (about 1.5 GB), so runs measure the linker, not the disk.
    # Checkpoints only where the bench asks for them (measure.settle, measure.before_write): one falling inside one
    # of two writes compared and not the other moves their ratio by a third.
    with dbadmin.server(prefer_ephemeral=not given, postgres_args=CLUSTER_ARGS) as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_bench") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            r = Run(conn, conninfo, size)
            for stage in stages:
                stage(r)
    return r.results, r.notes


def say(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_const", const="quick", dest="size", help="under a minute")
    parser.add_argument("--tiny", action="store_const", const="tiny", dest="size", help="smoke-test size")
    parser.add_argument("--background", type=int, help="background rows at 1x (default 500,000)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of the linker")
    parser.add_argument("--workers-scan", action="store_true",
                        help="only measure pipeline throughput with 1 to 4 worker processes")
    parser.add_argument("--amqp", action="store_true", help="only the AMQP bridge's throughput, beside the worker alone")
    parser.add_argument("--only", type=lambda v: v.split(","), metavar="STAGE[,STAGE]",
                        help=f"only these stages after the load: {', '.join(ONLY_STAGES)} (their rows of the table)")
    parser.add_argument("--shards", action="store_true",
                        help="only the lab day through a PL/Proxy proxy with 1 and 3 shards (one worker per shard)")
    args = parser.parse_args(argv)
    if args.amqp:
        figures = amqp.run({"tiny": 200, "quick": 1000}.get(args.size or "", 2000))
    elif args.shards:
        users, hours = {"tiny": (3, 1.0), "quick": (9, 2.0)}.get(args.size or "", (21, 8.0))
        with dbadmin.server(prefer_ephemeral=not os.environ.get("DATABASE_URL"),
                            postgres_args="-c shared_buffers=1GB") as admin:
            figures = {}
            for n in (1, 3):
                say(f"lab day of {users} users, {hours:g} h, through a proxy with {n} shard(s)")
                result = shards.run_cluster(admin, n, users, hours)
                figures.update({f"shards{n}_{k}": v for k, v in result.items()})
                print(shards.table({n: result}) if n == 1 else shards.table({n: result}).splitlines()[-1])
    elif args.workers_scan:
        scan = pipeline_scan(sessions={"tiny": 20, "quick": 200}.get(args.size or "", 600))
        print(report.scan_table(scan, 4))
        figures = scan
    else:
        size = workload.SIZES[args.size or "default"]
        if args.background:
            size = workload.Size(**{**size.__dict__, "background": args.background})
        started = time.monotonic()
        unknown = sorted(set(args.only or ()) - set(ONLY_STAGES))
        if unknown:
            parser.error(f"--only: no stage {', '.join(unknown)} (stages: {', '.join(ONLY_STAGES)})")
        figures, notes = run(size, args.explain, args.only)
        figures["elapsed_s"] = time.monotonic() - started
        print(report.table(figures, partial=bool(args.only)))
        print(f"\n{figures['elapsed_s']:.0f} s in all; medians of {size.sessions} sessions for the latencies.")
        if notes:
            print("\n```\n" + notes + "\n```")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
