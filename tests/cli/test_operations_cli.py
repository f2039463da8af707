"""Operator tools: the timeline picture, archive retention, queue-table upkeep and the dead-tuple warning."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import psycopg
import pytest

from datalinker.timeline import render
from tests.cli.test_cli import run_cli
from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, add_utc_chunk, link

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def a_user_with_every_kind_of_chunk(conn: psycopg.Connection) -> None:
    """u1: a linked session with 3 chunks, a running session, a new-device chunk without session,
    and 2 device-time chunks that wait (uploaded long after, outside every session)."""
    add_session(conn, "done", "u1", T0, T0 + 10 * MIN)
    for k in range(3):
        add_device_chunk(conn, f"c{k}", "u1", T0 + k * MIN, T0 + k * MIN + 30 * SEC)
    link(conn, "done")
    add_session(conn, "running", "u1", T0 + 30 * MIN, None)
    add_utc_chunk(conn, "utc-loose", "u1", T0 + 20 * MIN, T0 + 21 * MIN)
    for k in range(2):
        add_device_chunk(conn, f"late{k}", "u1", T0 + 15 * MIN + k * MIN, T0 + 15 * MIN + k * MIN + SEC,
                         received_at=T0 + 25 * MIN)
    add_session(conn, "other-user", "u2", T0, T0 + 5 * MIN)


def test_user_timeline_lists_sessions_chunks_and_unplaced_chunks_with_their_state(conn: psycopg.Connection) -> None:
    a_user_with_every_kind_of_chunk(conn)
    rows = conn.execute("SELECT kind, item_id, category, state FROM datalinker.user_timeline('u1')").fetchall()
    assert rows == [
        ("chunk", "c0", "eeg", "linked"), ("chunk", "c1", "eeg", "linked"), ("chunk", "c2", "eeg", "linked"),
        ("chunk", "utc-loose", "imu", "unlinked"),
        ("session", "done", "main", "completed"), ("session", "running", "main", "pending"),
        ("unplaced", "late0", "eeg", "waiting"), ("unplaced", "late1", "eeg", "waiting")]
    window = conn.execute("SELECT item_id FROM datalinker.user_timeline('u1', %s, %s)",
                          [T0 + 19 * MIN, T0 + 26 * MIN]).fetchall()
    assert window == [("utc-loose",), ("late0",), ("late1",)]


def test_timeline_renders_a_png_with_one_element_per_session_and_chunk(conn: psycopg.Connection,
                                                                       tmp_path: Path) -> None:
    a_user_with_every_kind_of_chunk(conn)
    rows = conn.cursor(row_factory=psycopg.rows.dict_row).execute(
        "SELECT * FROM datalinker.user_timeline('u1')").fetchall()
    out = tmp_path / "t.png"
    assert render(rows, "u1", out) == 8  # 2 session bars, 4 chunk bars, 2 unplaced markers
    assert out.read_bytes()[:8] == PNG_MAGIC
    height, width, _ = matplotlib.image.imread(out).shape
    assert width > 1000 and height > 200


def test_timeline_command_writes_the_picture(conn: psycopg.Connection, db_env: dict[str, str],
                                             tmp_path: Path) -> None:
    a_user_with_every_kind_of_chunk(conn)
    out = tmp_path / "timeline.png"
    result = run_cli({**db_env, "PGOPTIONS": "-c role=datalinker_readonly"}, "timeline", "u1", "-o", str(out),
                     "--from", (T0 - MIN).isoformat())
    assert result.returncode == 0, result.stderr
    assert "2 session(s), 4 chunk(s) with UTC times, 2 unplaced chunk(s); 8 element(s) drawn" in result.stdout
    assert out.read_bytes()[:8] == PNG_MAGIC
    nobody = run_cli(db_env, "timeline", "u-typo", "-o", str(tmp_path / "none.png"))
    assert nobody.returncode == 3 and "user 'u-typo' has no sessions or chunks" in nobody.stderr
    assert not (tmp_path / "none.png").exists()
    bad = run_cli(db_env, "timeline", "u1", "--from", "2026-03-02T09:00:00")
    assert bad.returncode == 2 and "--from '2026-03-02T09:00:00' has no time zone" in bad.stderr


def archive(conn: psycopg.Connection, queue: str, days_ago: int) -> None:
    msg = conn.execute("SELECT * FROM pgmq.send(%s, '{\"session_id\": \"x\"}')", [queue]).fetchone()
    assert msg is not None
    conn.execute("SELECT pgmq.archive(%s, %s::bigint)", [queue, msg[0]])
    conn.execute(f"UPDATE pgmq.a_{queue} SET archived_at = now() - %s * interval '1 day' WHERE msg_id = %s",
                 [days_ago, msg[0]])


def test_purge_archive_deletes_only_what_is_older_than_asked(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    for days in (40, 31, 5):
        archive(conn, "data_linker_queue", days)
    archive(conn, "event_correction_queue", 60)
    result = run_cli({**db_env, "PGOPTIONS": "-c role=datalinker_admin"}, "--json", "purge-archive",
                     "--older-than", "30d")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"queue_name": "data_linker_queue", "purged": 2},
                                         {"queue_name": "event_correction_queue", "purged": 1},
                                         {"queue_name": "data_linker_dead_letter", "purged": 0}]
    assert conn.execute("SELECT count(*) FROM pgmq.a_data_linker_queue").fetchone() == (1,)
    refused = run_cli({**db_env, "PGOPTIONS": "-c role=datalinker_readonly"}, "purge-archive", "--older-than", "30d")
    assert refused.returncode == 3 and "permission denied" in refused.stderr
    assert run_cli(db_env, "purge-archive", "--older-than", "30").returncode == 2
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_older_than 00:10:00 must be at least 1 hour"):
        conn.execute("SELECT * FROM datalinker.purge_archive(interval '10 minutes')")


def test_queue_tables_have_autovacuum_settings_for_high_churn(conn: psycopg.Connection) -> None:
    for queue in ("data_linker_queue", "event_correction_queue", "data_linker_dead_letter"):
        row = conn.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [f"pgmq.q_{queue}"]).fetchone()
        assert row is not None
        options = dict(o.split("=") for o in row[0])
        assert options["autovacuum_vacuum_scale_factor"] == "0" and options["autovacuum_vacuum_threshold"] == "1000"
        assert options["autovacuum_vacuum_cost_delay"] == "0"


def test_doctor_warns_on_dead_tuples_in_a_queue_table(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    conn.execute("SELECT pgmq.send_batch('data_linker_queue', array_fill('{}'::jsonb, ARRAY[50]))")
    conn.execute("DELETE FROM pgmq.q_data_linker_queue")
    conn.execute("SELECT pg_stat_force_next_flush()")
    check = "dead tuples in pgmq.q_data_linker_queue"
    rows = {r["check_name"]: r for r in json.loads(run_cli(db_env, "--json", "doctor", "--max-dead-tuples", "10").stdout)}
    assert (rows[check]["status"], rows[check]["count"]) == ("warn", 50)
    assert "VACUUM" in rows[check]["detail"]
    relaxed = {r["check_name"]: r for r in json.loads(run_cli(db_env, "--json", "doctor").stdout)}
    assert relaxed[check]["status"] == "ok"


def test_doctor_verify_rebuilds_the_stored_facts_and_exits_1_on_a_difference(
        conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "done", "u1", T0, T0 + 10 * MIN)
    for k in range(3):
        add_device_chunk(conn, f"c{k}", "u1", T0 + k * MIN, T0 + k * MIN + 30 * SEC)
    link(conn, "done")
    clean = run_cli(db_env, "--json", "doctor", "--verify", "--user", "u1")
    assert (clean.returncode, json.loads(clean.stdout)["verify"]) == (0, []), clean.stderr
    conn.execute("UPDATE datalinker.session_clocks SET mean_offset_us = mean_offset_us + 1000")
    found = run_cli(db_env, "--json", "doctor", "--verify")
    assert found.returncode == 1
    assert [(r["kind"], r["item"]) for r in json.loads(found.stdout)["verify"]] == [("session_clock", "done piece 1")]
