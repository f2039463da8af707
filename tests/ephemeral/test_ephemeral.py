"""The throwaway-cluster path the demo and the test suite fall back to; it must work as root."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from datalinker import dbadmin
from datalinker.ephemeral import EphemeralPostgresql


def test_throwaway_cluster_starts_runs_queries_and_is_removed() -> None:
    pg = EphemeralPostgresql()
    try:
        base_dir = Path(pg.base_dir)
        with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            pid = conn.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'").fetchone()
        assert pid is not None
        owner_uid = Path(f"/proc/{pid[0]}").stat().st_uid
        if os.geteuid() == 0:
            assert owner_uid != 0, "as root the server must run as an unprivileged user"
        else:
            assert owner_uid == os.geteuid()
    finally:
        pg.stop()
    assert not base_dir.exists()


def test_server_falls_back_to_a_throwaway_cluster_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PGHOST", "/nonexistent-socket-dir")
    with dbadmin.server() as admin:
        assert "/nonexistent" not in admin
        with psycopg.connect(admin) as conn:
            assert conn.execute("SELECT current_setting('fsync')").fetchone() == ("off",)
