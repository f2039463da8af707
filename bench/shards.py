"""Scale-out figures: a lab day ingested through the PL/Proxy proxy and linked by one worker per shard,
with 1 and with 3 shards (`python -m bench --shards`). On one small machine every shard shares the same
cores: the figures are for the record, not a speed-up claim."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from tempfile import TemporaryDirectory

import psycopg

from bench.pipeline import start_workers, stop_workers
from datalinker import builders, cluster, config, dbadmin

DAY = datetime(2026, 5, 4, 8, 0, tzinfo=timezone.utc)
OFFSET_MS = "-1712345678901.25"
BATCH = 20_000  # chunks per add_chunks call
COMPLETED = "SELECT coalesce(sum(count), 0) FROM datalinker.status_report() WHERE section = 'sessions' AND name = 'completed'"


def lab_day_rows(users: int, hours: float, minutes: float = 45) -> tuple[list[tuple[str, str, datetime, datetime]],
                                                                       list[builders.ChunkRow]]:
    """Per user, sessions of `minutes` back to back (10-min gaps); EEG and IMU chunks of 2 s, uploaded live."""
    off = builders.offset_us(OFFSET_MS)
    sessions, chunks = [], []
    per_user = max(1, int(hours * 60 // (minutes + 10)))
    for u in range(users):
        user = f"shard-user-{u:03d}"
        for k in range(per_user):
            start = DAY + timedelta(minutes=k * (minutes + 10), seconds=7 * u)
            end = start + timedelta(minutes=minutes)
            sessions.append((f"{user}-{k:02d}", user, start, end))
            t = start
            while t < end:
                for dt in ("eeg", "imu"):
                    chunks.append(builders.device_chunk(f"{user}/{k}/{dt}/{builders.epoch_us(t)}", user, t,
                                                        t + timedelta(seconds=2), off, t + timedelta(seconds=3), dt))
                t += timedelta(seconds=2)
    return sessions, chunks


def run_cluster(admin: str, shards: int, users: int, hours: float) -> dict[str, float]:
    """Ingest through the proxy, end every session, one worker per shard drains; chunks per second."""
    names = [dbadmin.create_database(admin, prefix="datalinker_bproxy")]
    names += [dbadmin.create_database(admin, prefix="datalinker_bshard") for _ in range(shards)]
    conninfos = [config.with_dbname(admin, n) for n in names]
    try:
        with TemporaryDirectory() as tmp:
            definition = cluster.load(cluster.write_definition(Path(tmp, "cluster.toml"), conninfos[0], conninfos[1:]))
            cluster.migrate_cluster(definition)
        sessions, chunks = lab_day_rows(users, hours)
        with psycopg.connect(conninfos[0], autocommit=True) as proxy:
            started = time.perf_counter()
            for sid, user, start, _ in sessions:
                proxy.execute("SELECT datalinker.add_session(%s, %s, %s, 'main', %s::jsonb)",
                              [sid, user, start, builders.clock_info(OFFSET_MS)])
            for i in range(0, len(chunks), BATCH):
                cols = list(zip(*chunks[i:i + BATCH]))
                proxy.execute("SELECT datalinker.add_chunks(%s, %s, %s, %s::timestamptz[], %s::timestamptz[],"
                              " %s::bigint[], %s::bigint[], %s, %s)",
                              [list(cols[1]), list(cols[0]), list(cols[2]), list(cols[3]), list(cols[4]),
                               list(cols[5]), list(cols[6]), list(cols[7]), list(cols[8])])
            ingest_s = time.perf_counter() - started
            for shard in conninfos[1:]:
                with psycopg.connect(shard, autocommit=True) as conn:
                    conn.execute("DELETE FROM datalinker.placement_requests")  # linking below places them:
                    conn.execute("DELETE FROM pgmq.q_data_linker_queue WHERE message ? 'user_id'")  # no placement jobs
                    conn.execute("VACUUM ANALYZE")
            workers = [p for shard in conninfos[1:] for p in start_workers(shard, 1)]
            try:
                started = time.perf_counter()
                for sid, _, _, end in sessions:
                    proxy.execute("SELECT datalinker.end_session(%s, %s)", [sid, end])
                while (proxy.execute(COMPLETED).fetchone() or (0,))[0] < len(sessions):
                    time.sleep(0.05)
                link_s = time.perf_counter() - started
            finally:
                stop_workers(workers)
        placed = 0
        for shard in conninfos[1:]:
            with psycopg.connect(shard) as conn:
                row = conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NOT NULL").fetchone()
                placed += row[0] if row else 0
        return {"sessions": len(sessions), "chunks": len(chunks), "placed": placed,
                "ingest_chunks_per_s": len(chunks) / ingest_s, "link_s": link_s,
                "link_chunks_per_s": placed / link_s}
    finally:
        for name in names:
            dbadmin.drop_database(admin, name)


def table(figures: dict[int, dict[str, float]]) -> str:
    lines = ["| shards | sessions | chunks | placed | ingest through the proxy (chunks/s) | linking, one worker per shard (s) |"
             " linked chunks/s |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for n, f in sorted(figures.items()):
        lines.append(f"| {n} | {int(f['sessions'])} | {int(f['chunks']):,} | {int(f['placed']):,} |"
                     f" {f['ingest_chunks_per_s']:,.0f} | {f['link_s']:.1f} | {f['link_chunks_per_s']:,.0f} |")
    return "\n".join(lines)
