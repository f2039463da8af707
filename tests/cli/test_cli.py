"""The datalinker command line: what it prints and the exit codes README.md documents."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest

from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "datalinker.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_migrate_then_link_prints_the_result_row(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    assert run_cli(db_env, "migrate").returncode == 0
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    result = run_cli(db_env, "link", "s-1")
    assert result.returncode == 0, result.stderr
    header, _, row = result.stdout.splitlines()[:3]
    assert header.split() == ["session_id", "link_status", "objects_converted", "objects_linked", "media_linked", "objects_ambiguous"]
    assert row.split() == ["s-1", "completed", "1", "1", "0", "0"]
    relinked = run_cli(db_env, "--json", "relink", "s-1")
    assert json.loads(relinked.stdout) == [{"session_id": "s-1", "link_status": "completed", "objects_converted": 1,
                                            "objects_linked": 1, "media_linked": 0, "objects_ambiguous": 0}]


def test_link_of_a_failing_session_exits_1(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN, offset_ms=None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    result = run_cli(db_env, "link", "s-1")
    assert (result.returncode, result.stdout.splitlines()[2].split()[1]) == (1, "failed")
    as_json = run_cli(db_env, "--json", "link", "s-1")
    assert (as_json.returncode, json.loads(as_json.stdout)[0]["link_status"]) == (1, "failed")


def test_unknown_session_exits_3_naming_it(db_env: dict[str, str]) -> None:
    result = run_cli(db_env, "link", "nope")
    assert result.returncode == 3
    assert "DL001" in result.stderr and "unknown session 'nope'" in result.stderr


def test_unreachable_database_exits_4(db_env: dict[str, str]) -> None:
    env = dict(db_env, DATABASE_URL="host=127.0.0.1 port=1 dbname=x connect_timeout=2")
    result = run_cli(env, "link", "s-1")
    assert result.returncode == 4
    assert "database unavailable" in result.stderr


def test_bad_arguments_exit_2(db_env: dict[str, str]) -> None:
    assert run_cli(db_env, "link").returncode == 2


def test_end_session_enqueue_requeue_and_status(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "s-1", "u1", T0, None)
    ended = run_cli(db_env, "end-session", "s-1", (T0 + 10 * MIN).isoformat())
    assert ended.returncode == 0 and "link job queued as msg_id" in ended.stdout
    again = run_cli(db_env, "end-session", "s-1", (T0 + 10 * MIN).isoformat())
    assert again.returncode == 0 and "already ended at that time" in again.stdout
    other = run_cli(db_env, "end-session", "s-1", (T0 + 20 * MIN).isoformat())
    assert other.returncode == 3 and "DL005" in other.stderr

    assert run_cli(db_env, "enqueue", "s-1").returncode == 0
    missing = run_cli(db_env, "enqueue", "ghost")
    assert missing.returncode == 3 and "unknown session 'ghost'" in missing.stderr

    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"bad": true}')""")
    status = run_cli(db_env, "--json", "status")
    assert status.returncode == 0
    rows = {(r["section"], r["name"]): r["count"] for r in json.loads(status.stdout)}
    assert rows[("sessions", "pending")] == 1
    assert rows[("queues", "data_linker_queue")] == 3, "three jobs queued (end-session, enqueue, bad payload)"
    table = run_cli(db_env, "status").stdout.splitlines()
    assert any(line.split()[:3] == ["sessions", "pending", "1"] for line in table), "the table for people"

    for _ in range(3):
        conn.execute("SELECT outcome FROM datalinker.process_job((SELECT msg_id FROM datalinker.claim_job(30)))")
    conn.execute("SELECT pgmq.send('data_linker_dead_letter', %s::jsonb)", ['{"payload": {"session_id": "s-1"}}'])
    requeued = run_cli(db_env, "requeue-dead")
    assert requeued.returncode == 0 and requeued.stdout.strip() == "requeued 2 dead letter(s)"


@pytest.mark.parametrize("role", ["datalinker_readonly", "datalinker_worker", "datalinker_session_manager"])
def test_status_and_doctor_work_for_every_project_role(conn: psycopg.Connection, db_env: dict[str, str], role: str) -> None:
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN)
    env = {**db_env, "PGOPTIONS": f"-c role={role}"}
    status = run_cli(env, "--json", "status")
    assert status.returncode == 0, status.stderr
    assert {"section": "sessions", "name": "pending", "count": 1, "detail": None, "age_s": None} in json.loads(status.stdout)
    one = run_cli(env, "--json", "status", "s-1")
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["session"][0]["link_status"] == "pending"
    doctor = run_cli(env, "--json", "doctor")
    assert doctor.returncode in (0, 1) and "permission denied" not in doctor.stderr, doctor.stderr
    assert "failed sessions" in {r["check_name"] for r in json.loads(doctor.stdout)}


def test_relink_and_unplaced_from_the_command_line(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    add_device_chunk(conn, "waits", "u2", T0 + MIN, T0 + MIN + SEC, received_at=T0 + 5 * MIN)
    unplaced = run_cli(db_env, "--json", "unplaced")
    assert unplaced.returncode == 0
    assert {(r["object_id"], r["user_id"], r["reason"]) for r in json.loads(unplaced.stdout)} == {
        ("c", "u1", "placeable"), ("waits", "u2", "waiting")}
    relinked = run_cli(db_env, "--json", "relink", "s-1")
    assert relinked.returncode == 0, relinked.stderr
    assert json.loads(relinked.stdout)[0]["objects_linked"] == 1
    assert run_cli(db_env, "relink", "ghost").returncode == 3


def test_status_of_one_session_shows_its_clock_pieces(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    points = [{"at": (T0 + k * MIN).isoformat(), "offset_ms": -1712345678901.25 + (0 if k < 5 else 98765432.1)}
              for k in range(10)]
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN, clock_offset_info={"measurements": points})
    result = run_cli({**db_env, "PGOPTIONS": "-c role=datalinker_readonly"}, "--json", "status", "s-1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [p["piece"] for p in report["clock pieces"]] == [1, 2] and report["session"][0]["session_id"] == "s-1"
    assert "clock pieces" in run_cli(db_env, "status", "s-1").stdout, "a titled table per part for people"
    assert run_cli(db_env, "status", "ghost").returncode == 3


def test_end_session_refuses_a_time_without_a_zone(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "s-1", "u1", T0, None)
    result = run_cli(db_env, "end-session", "s-1", "2026-03-02T09:10:00")
    assert result.returncode == 2 and "end_time '2026-03-02T09:10:00' has no time zone" in result.stderr
    assert conn.execute("SELECT end_time FROM public.sessions").fetchone() == (None,)


def test_requeue_dead_refuses_a_limit_out_of_range_and_keeps_non_object_envelopes(
        conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    result = run_cli(db_env, "requeue-dead", "--limit", "2147483648")
    assert result.returncode == 2 and "--limit 2147483648 is outside 1..1000000" in result.stderr
    conn.execute("SELECT pgmq.send('data_linker_dead_letter', '[1, 2]'::jsonb)")
    conn.execute("SELECT pgmq.send('data_linker_dead_letter', '{\"payload\": \"not an object\"}'::jsonb)")
    conn.execute("SELECT pgmq.send('data_linker_dead_letter', '{\"payload\": {\"session_id\": \"s-1\"}}'::jsonb)")
    requeued = run_cli(db_env, "requeue-dead")
    assert requeued.returncode == 0 and requeued.stdout.strip() == "requeued 1 dead letter(s)"
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_dead_letter").fetchone() == (2,)
    assert conn.execute("SELECT message FROM pgmq.q_data_linker_queue").fetchall() == [({"session_id": "s-1"},)]


def test_the_package_never_imports_worker_py() -> None:
    """worker.py depends on the package, never the other way: `datalinker worker` and the demo run it as a process."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    importers = []
    for path in sorted((root / "datalinker").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            importers += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "worker"]
    assert importers == []
    loaded = subprocess.run([sys.executable, "-c", "import sys, datalinker.cli, datalinker.demo;"
                             " print('worker' in sys.modules)"], capture_output=True, text=True, cwd=root)
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_cli_worker_is_worker_py_with_its_own_options(db_env: dict[str, str]) -> None:
    result = run_cli(db_env, "worker", "--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: worker.py")
    assert "--exit-when-idle" in result.stdout
    assert run_cli(db_env, "worker", "--no-such-option").returncode == 2
    bad_batch = run_cli(db_env, "worker", "--batch", "0")
    assert bad_batch.returncode == 2 and "--batch 0 is outside 1..1000" in bad_batch.stderr
    assert run_cli(db_env, "status", "s-1", "--no-such-option").returncode == 2


def test_unexpire_brings_expired_chunks_back_and_queues_their_placement(conn: psycopg.Connection,
                                                                       db_env: dict[str, str]) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "old", "u1", T0 + 3 * 60 * MIN, T0 + 3 * 60 * MIN + SEC, received_at=T0 + 4 * 60 * MIN)
    conn.execute("DELETE FROM pgmq.q_data_linker_queue")
    conn.execute("DELETE FROM datalinker.placement_requests")
    conn.execute("UPDATE public.raw_data_objects SET expired_at = now() WHERE object_id = 'old'")  # as a pass leaves it
    result = run_cli(db_env, "--json", "unexpire", "--user", "u1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"chunks": 1}]
    assert conn.execute("SELECT expired_at FROM public.raw_data_objects WHERE object_id = 'old'").fetchone() == (None,)
    assert conn.execute("SELECT message FROM pgmq.q_data_linker_queue").fetchall() == [({"user_id": "u1"},)]
