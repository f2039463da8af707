"""python -m bench --amqp: the AMQP bridge's throughput against the real RabbitMQ, beside the worker alone.

In: N ended sessions, N AMQP jobs published; the bridge (in-process, --exit-when-idle) turns them into pgmq jobs.
Worker alone: the same N jobs drained by one worker (--batch 10). Out: N announcements on pgmq, carried to AMQP
with publisher confirms. Each is messages (or jobs) per second, on this machine's loopback.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pika
import psycopg

from bench import workload
from datalinker import dbadmin
from datalinker.amqp import DEFAULT_AMQP_URL, Bridge, BridgeSettings
from datalinker.migrate import migrate
import worker


def channel() -> Any:
    return pika.BlockingConnection(pika.URLParameters(DEFAULT_AMQP_URL)).channel()


def publish(queue: str, session_ids: list[str]) -> None:
    ch = channel()
    ch.queue_declare(queue, durable=True)
    ch.confirm_delivery()
    for sid in session_ids:
        ch.basic_publish("", queue, json.dumps({"session_id": sid}).encode(),
                         pika.BasicProperties(delivery_mode=2, message_id=f"job-{sid}"))
    ch.connection.close()


def count_and_delete(queues: list[str], exchange: str) -> int:
    """Messages in the first queue; then the queues and the exchange are deleted."""
    ch = channel()
    carried = ch.queue_declare(queues[0], durable=True, passive=True).method.message_count
    for queue in queues:
        ch.queue_delete(queue)
    ch.exchange_delete(exchange)
    ch.connection.close()
    return int(carried)


def run_bridge(conninfo: str, tag: str) -> float:
    settings = BridgeSettings(amqp_url=DEFAULT_AMQP_URL, conninfo=conninfo, in_queue=f"bench-{tag}-in",
                              out_queue=f"bench-{tag}-out", dead_letter_exchange=f"bench-{tag}-dlx",
                              dead_letter_queue=f"bench-{tag}-dead", exit_when_idle=True, poll_seconds=0.05)
    started = time.monotonic()
    Bridge(settings, threading.Event()).run()
    return time.monotonic() - started


def throughput(conn: psycopg.Connection[Any], conninfo: str, n: int) -> dict[str, float]:
    tag = uuid.uuid4().hex[:6]
    workload.make_sessions(conn, f"amqp{tag}-", n, minutes=0.5, users=50, ended=True, images=0)
    ids = [r[0] for r in conn.execute("SELECT session_id FROM public.sessions WHERE session_id LIKE %s",
                                      [f"amqp{tag}-%"]).fetchall()]
    publish(f"bench-{tag}-in", ids)
    in_s = run_bridge(conninfo, tag)
    started = time.monotonic()
    worker.run(worker.Settings(conninfo=conninfo, exit_when_idle=True, poll_seconds=0.1, batch=10), install_signals=False)
    worker_s = time.monotonic() - started
    conn.execute("SELECT pgmq.purge_queue('event_correction_queue')")
    conn.execute("SELECT pgmq.send_batch('event_correction_queue', array_agg(jsonb_build_object('session_id', i::text)))"
                 " FROM generate_series(1, %s) i", [n])
    out_s = run_bridge(conninfo, tag)
    carried = count_and_delete([f"bench-{tag}-out", f"bench-{tag}-in", f"bench-{tag}-dead"], f"bench-{tag}-dlx")
    return {"amqp_jobs": float(len(ids)), "amqp_in_per_s": len(ids) / in_s, "worker_alone_jobs_per_s": len(ids) / worker_s,
            "amqp_out_per_s": carried / out_s, "amqp_out_carried": float(carried)}


def run(n: int) -> dict[str, float]:
    """A throwaway database on the usual server, n messages each way; prints the table, returns the figures."""
    with dbadmin.server() as admin, dbadmin.throwaway_database(admin, prefix="datalinker_bench") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            figures = throughput(conn, conninfo, n)
    print(table(figures))
    return figures


def table(r: dict[str, float]) -> str:
    rows = [("AMQP jobs in: RabbitMQ → accept_amqp_job → pgmq (messages/s)", f"{r['amqp_in_per_s']:.0f}"),
            ("the same jobs, worker alone, --batch 10 (jobs/s)", f"{r['worker_alone_jobs_per_s']:.0f}"),
            ("announcements out: pgmq → RabbitMQ, publisher confirms (messages/s)", f"{r['amqp_out_per_s']:.0f}"),
            ("messages each way / carried out", f"{int(r['amqp_jobs']):,} / {int(r['amqp_out_carried']):,}")]
    return "\n".join(["| measure | value |", "|---|---:|"] + [f"| {a} | {b} |" for a, b in rows])
