"""The datalinker command line: what it prints and the exit codes README.md documents."""

from __future__ import annotations

import subprocess
import sys

import psycopg

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
    assert header.split() == ["session_id", "link_status", "objects_converted", "objects_linked", "media_linked"]
    assert row.split() == ["s-1", "completed", "1", "1", "0"]


def test_link_of_a_failing_session_exits_1(conn: psycopg.Connection, db_env: dict[str, str]) -> None:
    add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN, offset_ms=None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    result = run_cli(db_env, "link", "s-1")
    assert (result.returncode, result.stdout.splitlines()[2].split()[1]) == (1, "failed")


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
