"""Running it in production: Prometheus metrics, /healthz, JSON logs, batch claiming, polling without LISTEN."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

import worker
from datalinker import dbadmin, sqlsource
from datalinker.metrics import WorkerMetrics, database_health, serve
from tests.helpers import MIN, T0, add_session, add_utc_chunk, session
from tests.worker.test_worker import make_sessions
from tests.workers import background_worker, drain, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except urllib.error.URLError:  # not listening (yet)
        return 0, ""


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus_client's own parser: (name, labels) -> value."""
    status, text = get(f"http://127.0.0.1:{port}/metrics")
    if status == 0:
        return {}
    assert status == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_jobs_by_outcome_and_show_queues_and_sessions(db: str, conn: psycopg.Connection) -> None:
    make_sessions(conn, 3)
    conn.execute("SELECT pgmq.send('data_linker_queue', '{\"session_id\": \"no-such-session\"}')")
    conn.execute("""SELECT pgmq.send('event_correction_queue', '{"session_id": "an hour old"}')""")
    conn.execute("UPDATE pgmq.q_event_correction_queue SET enqueued_at = now() - interval '1 hour'")
    port = free_port()
    with background_worker(db, metrics_port=port, metrics_addr="127.0.0.1"):
        wait_until(lambda: conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone()[0] == 0,
                   what="the queue drained")
        wait_until(lambda: scrape(port).get(("datalinker_jobs_total", (("outcome", "completed"),))) == 3,
                   what="three completed jobs counted")
        m = scrape(port)
    assert m[("datalinker_jobs_total", (("outcome", "dead_lettered"),))] == 1
    assert m[("datalinker_jobs_total", (("outcome", "retried"),))] == 0
    assert m[("datalinker_job_duration_seconds_count", ())] == 4
    assert m[("datalinker_chunks_linked_total", ())] == 6  # two chunks per session
    assert m[("datalinker_queue_depth", (("queue", "event_correction_queue"),))] == 4  # 3 + the old one
    assert 3600 <= m[("datalinker_queue_oldest_message_age_seconds", (("queue", "event_correction_queue"),))] < 3700
    assert m[("datalinker_queue_depth", (("queue", "data_linker_dead_letter"),))] == 1
    assert ("datalinker_queue_oldest_message_age_seconds", (("queue", "data_linker_queue"),)) in m
    assert m[("datalinker_sessions", (("link_status", "completed"),))] == 3
    assert m[("datalinker_worker_up", ())] == 1
    assert m[("datalinker_database_up", ())] == 1
    assert time.time() - m[("datalinker_worker_last_successful_poll_timestamp_seconds", ())] < 60


def test_healthz_is_ready_only_with_the_database_up_and_the_schema_current(db: str, conn: psycopg.Connection,
                                                                          admin_conninfo: str) -> None:
    servers = []

    def endpoint(conninfo: str) -> str:
        server = serve(0, "127.0.0.1", WorkerMetrics().registry, database_health(conninfo))
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/healthz"

    try:
        status, body = get(endpoint(db))
        assert (status, body.strip()) == (200, f"ok: {sqlsource.version()}")

        conn.execute("COMMENT ON SCHEMA datalinker IS 'datalinker sha256:0000000000000000'")  # an older migrate
        status, body = get(endpoint(db))
        assert status == 503
        assert "schema is sha256:0000000000000000" in body and sqlsource.version() in body and "migrate" in body

        with dbadmin.throwaway_database(admin_conninfo, prefix="datalinker_empty") as empty:  # never migrated
            status, body = get(endpoint(empty))
        assert (status, "not migrated" in body) == (503, True)

        status, body = get(endpoint(f"host=127.0.0.1 port={free_port()} connect_timeout=2"))
        assert (status, body.startswith("database unavailable")) == (503, True)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_json_logs_have_stable_keys(db_env: dict[str, str], conn: psycopg.Connection) -> None:
    make_sessions(conn, 2)
    result = subprocess.run([sys.executable, "worker.py", "--exit-when-idle", "--log-format", "json"], cwd=ROOT,
                            env=db_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line is one JSON object
    jobs = [line for line in lines if line.get("event") == "job"]
    assert len(jobs) == 2
    for job in jobs:
        assert {"ts", "level", "event", "session_id", "job_id", "duration_ms", "outcome"} <= set(job)
        assert (job["level"], job["outcome"]) == ("INFO", "completed")
        assert isinstance(job["job_id"], int) and isinstance(job["duration_ms"], float)
    assert {line["event"] for line in lines} >= {"start", "job", "stop"}


def test_plain_text_logs_stay_the_default(db_env: dict[str, str], conn: psycopg.Connection) -> None:
    make_sessions(conn, 1)
    result = subprocess.run([sys.executable, "worker.py", "--exit-when-idle"], cwd=ROOT, env=db_env,
                            capture_output=True, text=True, timeout=120)
    job_lines = [line for line in result.stderr.splitlines() if " job msg_id=" in line]
    assert len(job_lines) == 1 and "outcome=completed" in job_lines[0] and not job_lines[0].startswith("{")


def test_claim_job_claims_a_batch_in_one_read(conn: psycopg.Connection) -> None:
    ids = make_sessions(conn, 5)
    claimed = conn.execute("SELECT msg_id, read_ct, session_id FROM datalinker.claim_job(30, 3)").fetchall()
    assert [(r[1], r[2]) for r in claimed] == [(1, sid) for sid in ids[:3]]
    assert [session(conn, sid)["link_status"] for sid in ids] == ["processing"] * 3 + ["pending"] * 2
    assert len(conn.execute("SELECT * FROM datalinker.claim_job(30, 3)").fetchall()) == 2
    for bad in (0, 1001):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"p_qty {bad} is outside 1..1000"):
            conn.execute("SELECT * FROM datalinker.claim_job(30, %s)", [bad])


def test_a_batch_runs_each_job_in_its_own_transaction(db: str, conn: psycopg.Connection) -> None:
    """One job of the batch waits on a lock held elsewhere: it alone is retried, the others commit."""
    ids = make_sessions(conn, 4)
    with psycopg.connect(db) as holder:
        holder.execute("SELECT 1 FROM public.sessions WHERE session_id = %s FOR UPDATE", [ids[1]])
        drain_thread = threading.Thread(target=drain, args=(db,), kwargs={"batch": 4, "lock_timeout_ms": 200})
        drain_thread.start()
        wait_until(lambda: [session(conn, s)["link_status"] for s in (ids[0], ids[2], ids[3])] == ["completed"] * 3,
                   what="the other jobs of the batch")
        holder.rollback()
        drain_thread.join(timeout=60)
    wait_until(lambda: conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue"
                                    " WHERE vt <= clock_timestamp()").fetchone() == (1,), what="the retry")
    drain(db)
    assert [session(conn, s)["link_status"] for s in ids] == ["completed"] * 4
    downstream = [r[0] for r in conn.execute("SELECT message ->> 'session_id' FROM pgmq.q_event_correction_queue"
                                               " ORDER BY 1").fetchall()]
    assert downstream == sorted(ids), "each session announced exactly once"


def test_stopping_releases_the_rest_of_a_claimed_batch(db: str, conn: psycopg.Connection) -> None:
    make_sessions(conn, 6)
    stop = threading.Event()
    settings = worker.Settings(conninfo=db, batch=6, poll_seconds=0.1)
    w = worker.Worker(settings, stop)
    original = w.process

    def process_then_stop(work: psycopg.Connection[dict[str, Any]], claim: dict[str, Any]) -> None:
        original(work, claim)
        stop.set()  # SIGTERM after the first job of the batch

    w.process = process_then_stop  # type: ignore[method-assign]
    w.run()
    visible = conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue WHERE vt <= clock_timestamp()").fetchone()
    assert visible == (5,), "the five unprocessed jobs are visible again at once, not after their lease"


def test_no_listen_polls_and_holds_no_listen_connection(db: str, conn: psycopg.Connection) -> None:
    with background_worker(db, listen=False, poll_seconds=0.2):
        time.sleep(0.5)
        listeners = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                 " AND query ILIKE 'LISTEN%%'").fetchone()
        assert listeners == (0,)
        (sid,) = make_sessions(conn, 1)
        wait_until(lambda: session(conn, sid)["link_status"] == "completed", timeout=10, what="a polled job")


def test_a_burst_of_end_session_calls_sends_throttled_notifications(db: str, conn: psycopg.Connection) -> None:
    with psycopg.connect(db, autocommit=True) as listen:
        listen.execute('LISTEN "pgmq.q_data_linker_queue.INSERT"')
        make_sessions(conn, 40, users=40)  # 40 end_session calls, each its own transaction
        received = list(listen.notifies(timeout=1.0))
    throttle = conn.execute("SELECT throttle_interval_ms FROM pgmq.notify_insert_throttle"
                            " WHERE queue_name = 'data_linker_queue'").fetchone()
    assert throttle is not None and throttle[0] > 0
    assert 1 <= len(received) < 40, f"{len(received)} notifications for 40 inserts"


def test_workers_keep_going_through_a_migration(db: str, conn: psycopg.Connection) -> None:
    """Upgrade in place: migrate re-creates every function while two worker loops link sessions."""
    from datalinker.migrate import migrate

    ids: list[str] = []
    busy_at_migrate = []
    with background_worker(db, concurrency=2, batch=3):
        for round_ in range(3):
            ids += ended_sessions(conn, f"r{round_}-", 30)  # all ended in one go: a backlog for the workers
            busy_at_migrate.append(conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone()[0])
            migrate(db)
        wait_until(lambda: all(session(conn, s)["link_status"] == "completed" for s in ids), timeout=60,
                   what="every session linked")
    downstream = sorted(r[0] for r in conn.execute("SELECT message ->> 'session_id'"
                                                    " FROM pgmq.q_event_correction_queue").fetchall())
    assert downstream == sorted(ids), "each session announced exactly once"
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_dead_letter").fetchone() == (0,)
    assert max(busy_at_migrate) > 0, "a migration ran while jobs were queued"


def ended_sessions(conn: psycopg.Connection, prefix: str, n: int) -> list[str]:
    """n sessions of new devices (UTC chunks), ended together in one transaction."""
    ids = [f"{prefix}{i:03d}" for i in range(n)]
    with conn.transaction():
        for i, sid in enumerate(ids):
            add_session(conn, sid, f"{prefix}u{i}", T0, None, offset_ms=None)
            add_utc_chunk(conn, f"{sid}/c", f"{prefix}u{i}", T0 + MIN, T0 + 2 * MIN, session_id=sid)
            conn.execute("SELECT datalinker.end_session(%s, %s)", [sid, T0 + 10 * MIN])
    return ids


def test_alerting_rules_load_and_use_only_metrics_the_worker_exports(db: str, conn: psycopg.Connection) -> None:
    import re
    from pathlib import Path

    import yaml

    rules = yaml.safe_load(Path(ROOT, "deploy", "prometheus-rules.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert len(alerts) >= 8
    for rule in alerts:
        assert {"alert", "expr", "for", "labels", "annotations"} <= set(rule), rule.get("alert")
        assert rule["labels"]["severity"] in {"page", "warn", "ticket"} and rule["annotations"]["summary"]
    make_sessions(conn, 1)
    port = free_port()
    with background_worker(db, metrics_port=port, metrics_addr="127.0.0.1"):
        wait_until(lambda: scrape(port).get(("datalinker_jobs_total", (("outcome", "completed"),))) == 1,
                   what="a job counted")
        families = list(text_string_to_metric_families(get(f"http://127.0.0.1:{port}/metrics")[1]))
    exported = {f.name for f in families} | {s.name for f in families for s in f.samples}
    used = {m for rule in alerts for m in re.findall(r"\bdatalinker_\w+", rule["expr"])}
    assert used - exported == set(), "rules name metrics nobody exports"
