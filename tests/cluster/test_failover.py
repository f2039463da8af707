"""Failover with pg_auto_failover: kill -9 the primary while the worker drains sessions. After the
secondary is promoted every session is linked exactly once, no job is lost, no downstream message is
duplicated, and the worker (multi-host URL, target_session_attrs=read-write) reconnects by itself.

About 20 s (a formation starts in ~7 s, a failover takes ~10 s); part of the suite. Alone, with the
measured times printed: `.venv/bin/python -m pytest tests/cluster/test_failover.py -s`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from datalinker.migrate import migrate
from tests import formation
from tests.helpers import MIN, T0, add_session, add_utc_chunk

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 600

pytestmark = pytest.mark.skipif(not formation.available(), reason="pg_auto_failover (pg_autoctl) not installed")


def completed(uri: str) -> int | None:
    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            return int(conn.execute("SELECT count(*) FROM public.sessions WHERE link_status = 'completed'").fetchone()[0])
    except psycopg.Error:
        return None


def test_kill_the_primary_while_the_worker_drains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = formation.Formation()
    worker = None
    try:
        f.start()
        uri = f.uri()
        migrate(uri)
        with psycopg.connect(uri, autocommit=True) as conn, conn.transaction():
            for i in range(SESSIONS):  # new devices: one UTC chunk each; ended together, so all queued at once
                sid, user = f"f{i:04d}", f"user-{i % 25}"
                add_session(conn, sid, user, T0 + i * 20 * MIN, None, offset_ms=None)
                add_utc_chunk(conn, f"{sid}/c", user, T0 + i * 20 * MIN + MIN, T0 + i * 20 * MIN + 2 * MIN, session_id=sid)
                conn.execute("SELECT datalinker.end_session(%s, %s)", [sid, T0 + i * 20 * MIN + 10 * MIN])
        log = tmp_path / "worker.log"
        worker = subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--vt", "5", "--poll", "0.2",
                                   "--log-format", "json"], env={**os.environ, "DATABASE_URL": uri},
                                  stdout=log.open("w"), stderr=subprocess.STDOUT)
        while (completed(uri) or 0) < SESSIONS // 5:
            time.sleep(0.05)
        old = f.primary()
        assert old is not None
        done_at_kill = completed(uri) or 0
        killed = time.monotonic()
        f.kill(old)
        first_job_after = None
        deadline = killed + 180
        while (n := completed(uri)) != SESSIONS:
            if n is not None and n > done_at_kill and first_job_after is None and f.primary() not in (old, None):
                first_job_after = time.monotonic() - killed
            assert time.monotonic() < deadline, f"only {n} of {SESSIONS} sessions completed 180 s after the kill"
            time.sleep(0.1)
        assert worker.poll() is None, "the worker is still running: it reconnected by itself"
        new = f.primary()
        assert new is not None
        with psycopg.connect(uri, autocommit=True) as conn:
            port = conn.execute("SELECT inet_server_port()").fetchone()[0]
            announced = conn.execute("SELECT message ->> 'session_id', count(*) FROM pgmq.q_event_correction_queue"
                                     " GROUP BY 1").fetchall()
            queued = conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone()[0]
            dead = conn.execute("SELECT count(*) FROM pgmq.q_data_linker_dead_letter").fetchone()[0]
            linked = conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NOT NULL").fetchone()[0]
        assert new != old and port == f.ports[new], "the worker's database is the promoted secondary"
        assert sorted(announced) == [(f"f{i:04d}", 1) for i in range(SESSIONS)], "one downstream message per session"
        assert (queued, dead, linked) == (0, 0, SESSIONS), "no job lost, none dead-lettered, every chunk linked"
        events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        assert any(e.get("event") == "reconnect" for e in events)
        with capsys.disabled():
            print(f"\nfailover: {done_at_kill} of {SESSIONS} sessions done at the kill of {old}; first job done on "
                  f"{new} {first_job_after:.1f} s after the kill; all done {time.monotonic() - killed:.1f} s after it")
        assert first_job_after is not None and first_job_after < timedelta(minutes=2).total_seconds()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        f.stop()
