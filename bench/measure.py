"""Measurements inside one connection: link_session against the bare UPDATE and the naive peer, EXPLAIN."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import psycopg

from bench.naive import link_session_naively

LINK = "SELECT * FROM datalinker.link_session(%s)"

# What link_session writes for the session, computed beforehand: the bare UPDATE then only writes it.
PRECOMPUTE = """
CREATE TEMP TABLE precomputed ON COMMIT DROP AS
SELECT c.object_id, c.start_time, c.end_time
FROM datalinker.chunk_placements((SELECT user_id FROM public.sessions WHERE session_id = %(sid)s)) c
WHERE c.status = 'placed' AND c.session_id = %(sid)s
"""
BARE_UPDATE = ("UPDATE public.raw_data_objects r SET start_time = p.start_time, end_time = p.end_time,"
               " session_id = %s FROM precomputed p WHERE r.object_id = p.object_id")


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def session_ids(conn: psycopg.Connection, prefix: str, legacy_only: bool = True) -> list[str]:
    where = " AND clock_offset_info IS NOT NULL" if legacy_only else ""
    return [r[0] for r in conn.execute(f"SELECT session_id FROM public.sessions WHERE session_id LIKE %s{where}"
                                       " ORDER BY session_id", [prefix + "%"]).fetchall()]


def settle(conn: psycopg.Connection) -> None:
    """After a bulk load: vacuum, analyze and checkpoint now, so none of it runs during a measurement."""
    conn.execute("VACUUM ANALYZE")
    conn.execute("CHECKPOINT")


def before_write(conn: psycopg.Connection) -> None:
    """Before a timed write that is compared with another: the chunk table's dead rows gone and a CHECKPOINT, so
    that both start alike — the first change to a page after a checkpoint logs the whole page, and a checkpoint
    falling inside one of two writes compared and not the other moved a pair's ratio by a third (the bench's
    cluster spaces its own checkpoints out, __main__.run)."""
    conn.execute("VACUUM public.raw_data_objects")
    conn.execute("CHECKPOINT")


def latency(conn: psycopg.Connection, ids: list[str]) -> dict[str, float]:
    """Medians of link_session, the bare UPDATE and the naive peer on the same sessions (all rolled back), each
    started alike (before_write: with no checkpoint in between, whichever wrote a page first after the last one
    would log it whole, and the others not)."""
    link, bare, naive = [], [], []
    for sid in ids:
        before_write(conn)
        with conn.transaction(force_rollback=True):
            link.append(timed(lambda: conn.execute(LINK, [sid]).fetchall()))
        before_write(conn)
        with conn.transaction(force_rollback=True):
            conn.execute(PRECOMPUTE, {"sid": sid})
            conn.execute("ANALYZE precomputed")
            bare.append(timed(lambda: conn.execute(BARE_UPDATE, [sid])))
        before_write(conn)
        with conn.transaction(force_rollback=True):
            naive.append(timed(lambda: link_session_naively(conn, sid)))
    conn.execute("VACUUM public.raw_data_objects")
    return {"link_session_ms": statistics.median(link), "bare_update_ms": statistics.median(bare),
            "naive_peer_ms": statistics.median(naive)}


def link_only(conn: psycopg.Connection, ids: list[str]) -> float:
    """Median link_session time over the sessions (each rolled back, each started alike: before_write)."""
    runs = []
    for sid in ids:
        before_write(conn)
        with conn.transaction(force_rollback=True):
            runs.append(timed(lambda: conn.execute(LINK, [sid]).fetchall()))
    conn.execute("VACUUM public.raw_data_objects")
    return statistics.median(runs)


def direct(conn: psycopg.Connection, prefix: str) -> float:
    """Sessions per second of link_session called in a loop (committed), the reference for the worker."""
    ids = session_ids(conn, prefix, legacy_only=False)
    started = time.perf_counter()
    for sid in ids:
        conn.execute(LINK, [sid]).fetchall()
    return len(ids) / (time.perf_counter() - started)


def explain(conn: psycopg.Connection, sid: str) -> str:
    """EXPLAIN ANALYZE of chunk_placements and, via auto_explain, of link_session's statements on the table."""
    with conn.transaction(force_rollback=True):
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM datalinker.chunk_placements("
                            "(SELECT user_id FROM public.sessions WHERE session_id = %s))", [sid]).fetchall()
        plan = "\n".join(r[0] for r in rows)
        conn.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_nested_statements = on", "log_analyze = on",
                        "log_buffers = on", "log_level = notice"):
            conn.execute(f"SET LOCAL auto_explain.{setting}")
        notices: list[str] = []

        def collect(diag: psycopg.errors.Diagnostic) -> None:
            notices.append(diag.message_primary or "")

        conn.add_notice_handler(collect)
        conn.execute(LINK, [sid]).fetchall()
        conn.remove_notice_handler(collect)
    inner = [n for n in notices if "public.raw_data_objects" in n]
    return plan + "\n\n-- nested statements of link_session (auto_explain):\n" + "\n\n".join(inner)
