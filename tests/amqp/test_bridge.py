"""The AMQP bridge (issue 23): the platform publishes {"session_id"} to RabbitMQ data_linker_queue and consumes
event_correction_queue from RabbitMQ; jobs still run as pgmq jobs in PostgreSQL. Against the real RabbitMQ."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections import defaultdict

import psycopg
import pytest

from datalinker import builders
from tests.amqp.rabbit import Names, Received, bridge, collect, publish, take_all
from tests.fuzzcount import CASES
from tests.helpers import MIN, T0, add_device_chunk, add_session
from tests.workers import background_worker


def ended_sessions(conn: psycopg.Connection, n: int, prefix: str = "s") -> list[str]:
    """Ended sessions with one live chunk each, not yet queued (the AMQP message is what queues them)."""
    ids = []
    for i in range(n):
        sid, start = f"{prefix}{i:04d}", T0 + i * 20 * MIN
        add_session(conn, sid, f"u{i % 5}", start, None)
        add_device_chunk(conn, f"{sid}-c", f"u{i % 5}", start + MIN, start + 4 * MIN)  # live: no placement job
        conn.execute(builders.END_WITHOUT_JOB, [start + 10 * MIN, sid])  # ended, as the Session Manager writes it
        ids.append(sid)
    return ids


def jobs(ids: list[str]) -> list[tuple[str | None, bytes | dict[str, object]]]:
    return [(f"job-{sid}", {"session_id": sid}) for sid in ids]


def by_session(received: list[Received]) -> dict[str, set[str | None]]:
    ids: dict[str, set[str | None]] = defaultdict(set)
    for r in received:
        ids[r.session_id].add(r.message_id)
    return ids


def every_session_announced(ids: list[str]) -> object:
    return lambda got: set(by_session(got)) >= set(ids)


def test_200_sessions_published_to_amqp_come_back_on_amqp_exactly_once_each(db: str, db_env: dict[str, str],
                                                                          conn: psycopg.Connection, names: Names) -> None:
    ids = ended_sessions(conn, 200)
    publish(names.in_queue, jobs(ids))
    started = time.monotonic()
    with bridge(db_env, names), background_worker(db, batch=10):
        got = collect(names.out_queue, lambda got: len(got) >= 200)
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # anything more would be a duplicate
        got += take_all(names.out_queue)
    assert sorted(r.session_id for r in got) == sorted(ids), "each session announced exactly once"
    assert len({r.message_id for r in got}) == 200 and all(r.message_id.startswith("datalinker-event-") for r in got)  # type: ignore[union-attr]
    assert conn.execute("SELECT count(*) FROM public.sessions WHERE link_status = 'completed'").fetchone() == (200,)
    CASES[f"AMQP round trip: 200 sessions AMQP → pgmq → worker → AMQP in {elapsed:.1f} s (sessions/s)"] = round(200 / elapsed)


def test_kill_9_of_the_bridge_at_random_moments_loses_nothing(db: str, db_env: dict[str, str], conn: psycopg.Connection,
                                                              names: Names) -> None:
    ids = ended_sessions(conn, 300)
    publish(names.in_queue, jobs(ids))
    rng = random.Random(23)
    with background_worker(db, batch=10):
        for trial in range(6):
            with bridge(db_env, names) as proc:
                time.sleep(rng.uniform(0.3, 1.5))
                proc.kill()  # SIGKILL: no cleanup, unacked messages and unconfirmed deletes are left as they are
                proc.wait()
            CASES["AMQP bridge kill -9 trials"] += 1
        with bridge(db_env, names):
            got = collect(names.out_queue, every_session_announced(ids))
            time.sleep(1.0)
            got += take_all(names.out_queue)
    announced = by_session(got)
    assert set(announced) == set(ids), "no session lost"
    assert all(len(message_ids) == 1 for message_ids in announced.values()), "a duplicate only ever with the same message_id"
    assert conn.execute("SELECT count(*), count(DISTINCT msg_id) FROM datalinker.amqp_inbox").fetchone() == (300, 300), \
        "one job per AMQP message, however often it was redelivered"
    assert conn.execute("SELECT count(*) FROM public.sessions WHERE link_status = 'completed'").fetchone() == (300,)
    CASES["AMQP bridge kill -9: duplicates delivered (same message_id)"] = len(got) - len(ids)


def test_a_broker_restart_mid_run_loses_nothing(db: str, db_env: dict[str, str], conn: psycopg.Connection,
                                                names: Names) -> None:
    ids = ended_sessions(conn, 120)
    publish(names.in_queue, jobs(ids[:60]))
    with bridge(db_env, names), background_worker(db, batch=10):
        got = collect(names.out_queue, lambda got: len(got) >= 10)
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
        time.sleep(1.0)
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
        subprocess.run(["rabbitmqctl", "await_startup"], check=True, capture_output=True, timeout=120)
        publish(names.in_queue, jobs(ids[60:]))
        got += collect(names.out_queue, lambda more: set(by_session(got + more)) >= set(ids))
    assert set(by_session(got)) == set(ids), "every session announced after the restart"
    assert all(len(m) == 1 for m in by_session(got).values())


def test_a_bad_payload_lands_in_the_dead_letter_queue_with_its_reason_and_is_never_requeued(
        db: str, db_env: dict[str, str], conn: psycopg.Connection, names: Names) -> None:
    [good] = ended_sessions(conn, 1)
    add_session(conn, "running", "u9", T0, None)
    publish(names.in_queue, [("bad-1", b"not json"), ("bad-2", {"session_id": "nope"}), ("bad-3", {"session": 1}),
                             ("bad-4", {"session_id": "running"}), ("bad-5", {"user_id": "u9"}),
                             ("good", {"session_id": good})])
    with bridge(db_env, names, "--exit-when-idle") as proc:
        assert proc.wait(timeout=60) == 0, proc.stdout.read() if proc.stdout else ""
    dead = {r.message_id: (r.body, r.headers["x-datalinker-reason"]) for r in take_all(names.dead_letter_queue)}
    assert dead == {
        "bad-1": (b"not json", "payload is not JSON: not json"),
        "bad-2": (b'{"session_id": "nope"}', "DL001: unknown session 'nope'"),
        "bad-3": (b'{"session": 1}', 'payload has no "session_id" key'),
        "bad-4": (b'{"session_id": "running"}', "DL002: session 'running' has not ended (end_time is NULL)"),
        "bad-5": (b'{"user_id": "u9"}', 'a placement job {"user_id"} is queued by uploads, not over AMQP'),
    }
    assert take_all(names.in_queue) == [], "nothing requeued"
    assert conn.execute("SELECT message ->> 'session_id' FROM pgmq.q_data_linker_queue").fetchall() == [(good,)]


def test_a_redelivered_message_makes_no_second_job(conn: psycopg.Connection) -> None:
    [sid] = ended_sessions(conn, 1)
    first = conn.execute("SELECT * FROM datalinker.accept_amqp_job('m-1', %s)", [json.dumps({"session_id": sid})]).fetchone()
    again = conn.execute("SELECT * FROM datalinker.accept_amqp_job('m-1', %s)", [json.dumps({"session_id": sid})]).fetchone()
    assert first is not None and again is not None and first[0] == "queued" and again == ("duplicate", first[1], None)
    no_id = [conn.execute("SELECT outcome FROM datalinker.accept_amqp_job(NULL, '{\"session_id\": \"nope\"}')").fetchone()
             for _ in range(2)]
    assert no_id == [("refused",), ("duplicate",)], "without a message_id, the body identifies the message"
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone() == (1,)


@pytest.mark.parametrize("option", ["--prefetch=0", "--prefetch=10001"])
def test_bad_bridge_options_exit_2_naming_the_value(db_env: dict[str, str], names: Names, option: str) -> None:
    with bridge(db_env, names, option) as proc:
        assert proc.wait(timeout=30) == 2
        assert option.split("=")[1] in (proc.stdout.read() if proc.stdout else "")


def test_the_demo_shows_the_amqp_round_trip_end_to_end(db_env: dict[str, str], names: Names) -> None:
    from tests.amqp.rabbit import ROOT

    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "demo", "--amqp", "--users", "2", "--minutes", "3"],
                            env=db_env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 announcements read back" in result.stdout and "(4 sessions, each once: True)" in result.stdout
    assert "4/4 sessions completed" in result.stdout


def test_the_bridge_runs_as_a_login_role_with_only_bridge_rights(db_env: dict[str, str], conn: psycopg.Connection,
                                                                  names: Names) -> None:
    import uuid

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    ids = ended_sessions(conn, 3)
    login = f"dl_bridge_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE ROLE {login} LOGIN IN ROLE datalinker_bridge")
    try:
        as_bridge = make_conninfo(**{**conninfo_to_dict(db_env["DATABASE_URL"]), "user": login})
        with psycopg.connect(as_bridge, autocommit=True) as bridge_conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bridge_conn.execute("SELECT pgmq.send('data_linker_queue', '{\"session_id\": \"x\"}')")
        publish(names.in_queue, jobs(ids) + [("bad", b"{}")])
        with bridge({**db_env, "DATABASE_URL": as_bridge}, names, "--exit-when-idle") as proc:
            assert proc.wait(timeout=60) == 0, proc.stdout.read() if proc.stdout else ""
        assert sorted(r[0] for r in conn.execute("SELECT message ->> 'session_id' FROM pgmq.q_data_linker_queue")) == ids
        assert [r.message_id for r in take_all(names.dead_letter_queue)] == ["bad"]
        conn.execute("SELECT pgmq.send('event_correction_queue', '{\"session_id\": \"s0000\"}')")
        with bridge({**db_env, "DATABASE_URL": as_bridge}, names, "--exit-when-idle") as proc:
            assert proc.wait(timeout=60) == 0, proc.stdout.read() if proc.stdout else ""
        assert [r.session_id for r in take_all(names.out_queue)] == ["s0000"]
        assert conn.execute("SELECT datalinker.events_waiting()").fetchone() == (0,)
    finally:
        conn.execute(f"DROP ROLE {login}")
