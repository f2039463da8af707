"""`datalinker demo`: the whole job end to end on a throwaway database.

Migrate, load a synthetic lab day, end every session through end_session (as the Session Manager
does), run the worker until data_linker_queue is drained, print a summary. With --amqp the platform's
way round: the sessions' ends are written, their jobs published to RabbitMQ, carried into pgmq by the
AMQP bridge, linked by the worker, and every announcement read back from RabbitMQ.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pika
import psycopg
from psycopg.rows import dict_row
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress

from datalinker import builders, dbadmin, queries
from datalinker.output import show
from datalinker.migrate import migrate
from datalinker.synthetic import load_lab_day

SUMMARY = """
SELECT s.session_id, s.user_id, s.session_type AS type, s.link_status AS status,
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id) AS chunks,
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id
         AND r.start_time_device IS NOT NULL) AS converted,
       -- the synthetic object ids carry the true start in µs: every linked chunk must match it exactly
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id
         AND datalinker.epoch_us(r.start_time)::text = split_part(split_part(r.object_id, '/', 4), '.', 1)) AS exact,
       (SELECT count(*) FROM public.images i WHERE i.session_id = s.session_id AND i.experiment_id IS NOT NULL)
     + (SELECT count(*) FROM public.audio_clips a WHERE a.session_id = s.session_id
         AND a.experiment_id IS NOT NULL) AS media,
       to_char(min_t, 'HH24:MI:SS.US') AS first_chunk_utc, s.link_error
FROM public.sessions s
LEFT JOIN LATERAL (SELECT min(r.start_time) AS min_t FROM public.raw_data_objects r
                   WHERE r.session_id = s.session_id) m ON true
ORDER BY s.user_id, s.start_time
"""
PROGRESS = "SELECT count(*) FILTER (WHERE link_status IN ('completed', 'failed')) FROM public.sessions"


def run_demo(users: int, main_minutes: float, concurrency: int, amqp_url: str | None = None) -> int:
    given = bool(os.environ.get("DATABASE_URL"))
    with dbadmin.server(prefer_ephemeral=not given) as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_demo") as conninfo:
        print(f"demo database: {'a throwaway database on DATABASE_URL' if given else 'a throwaway PostgreSQL cluster'}")
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            started = time.monotonic()
            with conn.transaction():
                day = load_lab_day(conn, users=users, main_minutes=main_minutes)
            print(f"loaded {len(day.sessions)} sessions, {day.chunks} chunks, {day.media} media files"
                  f" in {time.monotonic() - started:.1f}s")
            if amqp_url is None:
                for s in day.sessions:  # the Session Manager's POST /api/v1/sessions/end
                    conn.execute(queries.END_SESSION, {"session_id": s.session_id, "end_time": s.end})
                bridge = None
            else:
                bridge = AmqpRoundTrip(amqp_url, conninfo)
                bridge.publish_ends(conn, [(s.session_id, s.end) for s in day.sessions])
                bridge.wait_queued(conn, len(day.sessions))

            started = time.monotonic()
            worker = subprocess.Popen([sys.executable, "-m", "worker", "--exit-when-idle", "--poll", "0.5",
                                       "--concurrency", str(concurrency), "--log-level", "warning"],
                                      env={**os.environ, "DATABASE_URL": conninfo})
            with Progress(*Progress.get_default_columns(), MofNCompleteColumn(),
                          console=Console(stderr=True)) as progress:
                task = progress.add_task("linking sessions", total=len(day.sessions))
                while worker.poll() is None:
                    time.sleep(0.3)
                    progress.update(task, completed=(conn.execute(PROGRESS).fetchone() or (0,))[0])
                progress.update(task, completed=(conn.execute(PROGRESS).fetchone() or (0,))[0])
            elapsed = time.monotonic() - started
            if bridge is not None:
                announced = bridge.collect(len(day.sessions))
                print(f"AMQP round trip: {len(day.sessions)} jobs published to RabbitMQ {bridge.in_queue},"
                      f" {len(announced)} announcements read back from {bridge.out_queue}"
                      f" ({len(set(announced))} sessions, each once: {sorted(announced) == sorted(set(announced))})")

            rows = conn.cursor(row_factory=dict_row).execute(SUMMARY).fetchall()
            show({"sessions": rows, "status": conn.cursor(row_factory=dict_row).execute(queries.STATUS_REPORT).fetchall()})
            completed = sum(r["status"] == "completed" for r in rows)
            print(f"\n{completed}/{len(rows)} sessions completed in {elapsed:.1f}s with {concurrency} worker(s);"
                  f" event_correction_queue got one message per completed session.")
            return 0 if completed == len(rows) else 1


class AmqpRoundTrip:
    """The platform's side for the demo: publish jobs to RabbitMQ, run the bridge, read the announcements back."""

    def __init__(self, amqp_url: str, conninfo: str) -> None:
        tag = uuid.uuid4().hex[:6]
        self.url, self.conninfo = amqp_url, conninfo
        self.in_queue, self.out_queue = f"demo-{tag}-data_linker_queue", f"demo-{tag}-event_correction_queue"
        self.names = ["--in-queue", self.in_queue, "--out-queue", self.out_queue,
                      "--dead-letter-exchange", f"demo-{tag}-dead-letter"]
        self.channel = pika.BlockingConnection(pika.URLParameters(amqp_url)).channel()
        self.channel.queue_declare(self.in_queue, durable=True)
        self.channel.queue_declare(self.out_queue, durable=True)
        self.channel.confirm_delivery()
        self.process = subprocess.Popen([sys.executable, "-m", "datalinker.cli", "amqp-bridge", "--amqp-url", amqp_url,
                                         *self.names], env={**os.environ, "DATABASE_URL": conninfo})

    def publish_ends(self, conn: psycopg.Connection, ends: list[tuple[str, object]]) -> None:
        """The Session Manager writes the end time, then publishes {"session_id"} to RabbitMQ."""
        for session_id, end in ends:
            conn.execute(builders.END_WITHOUT_JOB, [end, session_id])
            self.channel.basic_publish("", self.in_queue, json.dumps({"session_id": session_id}).encode(),
                                       pika.BasicProperties(delivery_mode=2, message_id=f"end-{session_id}"))

    def wait_queued(self, conn: psycopg.Connection, expected: int, timeout: float = 60.0) -> None:
        """Until the bridge has turned every published job into a pgmq job (then the worker may drain)."""
        deadline = time.monotonic() + timeout
        while (conn.execute("SELECT count(*) FROM datalinker.amqp_inbox").fetchone() or (0,))[0] < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the AMQP bridge queued fewer than {expected} jobs in {timeout:.0f}s")
            time.sleep(0.2)

    def collect(self, expected: int, timeout: float = 120.0) -> list[str]:
        announced: list[str] = []
        deadline = time.monotonic() + timeout
        while len(announced) < expected and time.monotonic() < deadline:
            method, _, body = self.channel.basic_get(self.out_queue, auto_ack=True)
            if method is None:
                time.sleep(0.2)
                continue
            announced.append(json.loads(body)["session_id"])
        self.process.terminate()
        self.process.wait(timeout=30)
        for queue in (self.in_queue, self.out_queue, f"{self.in_queue}.dead-letter"):
            self.channel.queue_delete(queue)
        self.channel.exchange_delete(self.names[-1])
        self.channel.connection.close()
        return announced
