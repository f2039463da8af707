"""Shards by user with PL/Proxy: one API on the proxy, each user's data on the shard its hash names,
session-keyed calls routed by the proxy's session directory, readers aggregated over the shards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from datalinker import builders, cluster, dbadmin
from datalinker.cluster import write_definition
from tests.cluster.conftest import ProxyCluster
from tests.helpers import MIN, SEC, T0
from tests.labday import ApiStore, TableStore, judge, lab_day, replay
from tests.workers import drain

ROOT = Path(__file__).resolve().parents[2]
OFFSET = '{"offset_ms_avg": -1712345678901.25}'


OFF_US = builders.offset_us("-1712345678901.25")
TICKS = (builders.device_tick(T0 + MIN, OFF_US), builders.device_tick(T0 + MIN + SEC, OFF_US))


def add_users(proxy: psycopg.Connection, users: int) -> None:
    """Per user: a session from T0 and one live legacy chunk a minute in."""
    for u in range(users):
        proxy.execute("SELECT datalinker.add_session(%s, %s, %s, 'main', %s::jsonb)",
                      [f"s{u}", f"user-{u}", T0, OFFSET])
    proxy.execute("SELECT datalinker.add_chunks(%s, %s, %s, %s::timestamptz[], %s::timestamptz[], %s::bigint[],"
                  " %s::bigint[], %s, %s)",
                  [[f"user-{u}" for u in range(users)], [f"c{u}" for u in range(users)], [None] * users,
                   [None] * users, [None] * users, [TICKS[0]] * users, [TICKS[1]] * users, ["eeg"] * users,
                   [T0 + MIN + 2 * SEC] * users])


def where_is(c: ProxyCluster, table: str, key: str) -> dict[str, int]:
    """key value -> index of the shard that holds its rows."""
    found: dict[str, int] = {}
    for i, shard in enumerate(c.shards):
        for (value,) in shard.execute(f"SELECT {key} FROM public.{table}").fetchall():
            assert value not in found, f"{value} on two shards"
            found[value] = i
    return found


def expected_shard(c: ProxyCluster, user: str) -> int:
    connstr = cluster.shard_of_user(c.proxy, user)
    return [s.proxy_conninfo for s in c.definition.shards].index(connstr)


def test_users_land_on_the_shards_their_hash_says(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 30)
    sessions, chunks = where_is(c, "sessions", "user_id"), where_is(c, "raw_data_objects", "user_id")
    assert sessions == chunks == {f"user-{u}": expected_shard(c, f"user-{u}") for u in range(30)}
    assert len(set(sessions.values())) == 3, "30 users spread over all three shards"
    for u in range(30):  # partition = hashtext(user) & 7, partition k on shard k mod 3
        (hashed,) = c.proxy.execute("SELECT hashtext(%s) & 7", [f"user-{u}"]).fetchone()
        assert sessions[f"user-{u}"] == hashed % 3


def test_session_calls_find_their_shard_through_the_directory(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 5)
    assert c.proxy.execute("SELECT datalinker.end_session('s3', %s)", [T0 + 10 * MIN]).fetchone()[0] is not None
    row = c.proxy.execute("SELECT session_id, link_status, objects_converted FROM datalinker.link_session('s3')").fetchone()
    assert row == ("s3", "completed", 1)
    shard = c.shards[expected_shard(c, "user-3")]
    assert shard.execute("SELECT session_id, start_time FROM public.raw_data_objects WHERE object_id = 'c3'").fetchone()[0] == "s3"
    with pytest.raises(psycopg.Error, match="unknown session 'nope'") as unknown:
        c.proxy.execute("SELECT datalinker.end_session('nope')")
    assert unknown.value.sqlstate == "DL001", "the same error as on one database"
    with pytest.raises(psycopg.errors.UniqueViolation, match="DL009"):
        c.proxy.execute("SELECT datalinker.add_session('s3', 'someone-else', %s)", [T0])
    assert c.proxy.execute("SELECT datalinker.add_session('s3', 'user-3', %s)", [T0]).fetchone() == (False,)


def test_lab_day_through_the_proxy_ends_in_the_state_of_one_database(three_shards: ProxyCluster, db: str,
                                                                      conn: psycopg.Connection) -> None:
    c = three_shards
    day = lab_day()
    shard_dbs = [s.conninfo for s in c.definition.shards]
    replay(ApiStore(c.proxy), day, lambda: [drain(s) for s in shard_dbs] and None)
    replay(TableStore(conn), day, lambda: drain(db))

    def state(conns: list[psycopg.Connection]) -> tuple[list[tuple[object, ...]], ...]:
        chunks = sorted(r for x in conns for r in x.execute(
            "SELECT object_id, session_id, start_time, end_time, linked_by FROM public.raw_data_objects").fetchall())
        sessions = sorted(r for x in conns for r in x.execute(
            "SELECT session_id, user_id, end_time, link_status, link_error FROM public.sessions").fetchall())
        downstream = sorted(r for x in conns for r in x.execute(
            "SELECT message ->> 'session_id', count(*) FROM pgmq.q_event_correction_queue GROUP BY 1").fetchall())
        return chunks, sessions, downstream

    assert state(c.shards) == state([conn])
    verdict = judge(c.shards, day)
    assert verdict.wrong == [] and verdict.counts["MISSED"] == 0 and verdict.counts["linked right"] > 1000
    users = {ch.user_id for ch in day.chunks}
    assert where_is(c, "sessions", "session_id").keys() == {s.session_id for s in day.sessions}
    held = {u: i for i, shard in enumerate(c.shards)
            for (u,) in shard.execute("SELECT DISTINCT user_id FROM public.raw_data_objects").fetchall()}
    assert held == {u: expected_shard(c, u) for u in users}


def test_status_and_doctor_aggregate_over_the_shards(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 12)
    env = {**os.environ, "DATABASE_URL": c.definition.proxy}
    status = subprocess.run([sys.executable, "-m", "datalinker.cli", "--json", "status"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    rows = {(r["section"], r["name"]): r["count"] for r in json.loads(status.stdout)}
    assert rows[("sessions", "pending")] == 12 and rows[("unlinked chunks", "session_running")] == 12
    doctor = subprocess.run([sys.executable, "-m", "datalinker.cli", "--json", "doctor"], env=env,
                            capture_output=True, text=True, timeout=120)
    checks = {r["check_name"]: r for r in json.loads(doctor.stdout)}
    assert checks["failed sessions"]["count"] == 0 and checks["setting segment_gap_us"]["count"] == 1000
    one = subprocess.run([sys.executable, "-m", "datalinker.cli", "--json", "status", "s7"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["session"][0]["user_id"] == "user-7", "status SESSION through the proxy"
    everyone = c.proxy.execute("SELECT user_id, reason FROM datalinker.unplaced_chunks() ORDER BY 1").fetchall()
    assert everyone == sorted((f"user-{u}", "session_running") for u in range(12))
    assert c.proxy.execute("SELECT user_id FROM datalinker.unplaced_chunks('user-3')").fetchall() == [("user-3",)]


def test_migrate_applies_to_the_proxy_and_every_shard_from_one_definition(three_shards: ProxyCluster) -> None:
    c = three_shards
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "migrate", "--cluster", str(c.path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "migrated: 3 shard(s) and the proxy (8 partitions)" in result.stdout
    stamps = {s.execute("SELECT obj_description('datalinker'::regnamespace, 'pg_namespace')").fetchone()
              for s in c.shards}
    assert len(stamps) == 1, "every shard at the same version"
    assert c.proxy.execute("SELECT count(*) FROM datalinker_proxy.partitions").fetchone() == (8,)
    uncommented = c.proxy.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace::regnamespace::text"
        " IN ('datalinker', 'datalinker_proxy', 'plproxy') AND obj_description(p.oid, 'pg_proc') IS NULL").fetchall()
    assert uncommented == [], "every proxy function carries its contract for DBAs"
    bad = write_definition(c.path.with_name("bad.toml"), c.definition.proxy, [c.definition.shards[0].conninfo], 6)
    refused = subprocess.run([sys.executable, "-m", "datalinker.cli", "migrate", "--cluster", str(bad)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "partitions 6 must be a power of 2" in refused.stderr


def test_moving_a_partition_loses_no_chunk_and_links_none_twice(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 24)
    for u in range(0, 24, 2):  # half the sessions end and are linked before the move; the rest after it
        c.proxy.execute("SELECT datalinker.end_session(%s, %s)", [f"s{u}", T0 + 10 * MIN])
    for s in c.definition.shards:
        drain(s.conninfo)
    before = sorted(r for s in c.shards for r in s.execute(
        "SELECT object_id, user_id, session_id, start_time FROM public.raw_data_objects").fetchall())
    (partition,) = c.proxy.execute("SELECT hashtext('user-1') & 7").fetchone()
    source, target = partition % 3, (partition % 3 + 1) % 3
    movers = [f"user-{u}" for u in range(24) if c.proxy.execute("SELECT hashtext(%s) & 7", [f"user-{u}"]).fetchone()[0] == partition]
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "move-partition", "--cluster", str(c.path),
                             str(partition), str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    after = sorted(r for s in c.shards for r in s.execute(
        "SELECT object_id, user_id, session_id, start_time FROM public.raw_data_objects").fetchall())
    assert after == before, "every chunk exactly once, links kept"
    held = where_is(c, "raw_data_objects", "user_id")
    assert {u: held[u] for u in movers} == {u: target for u in movers}
    assert all(expected_shard(c, u) == target for u in movers), "the proxy routes them to the target now"
    for u in range(1, 24, 2):  # the other half ends after the move, through the proxy, wherever it lives now
        c.proxy.execute("SELECT datalinker.end_session(%s, %s)", [f"s{u}", T0 + 10 * MIN])
    for s in c.definition.shards:
        drain(s.conninfo)
    announced = sorted(r for s in c.shards for r in s.execute(
        "SELECT message ->> 'session_id', count(*) FROM pgmq.q_event_correction_queue GROUP BY 1").fetchall())
    assert announced == sorted((f"s{u}", 1) for u in range(24)), "each session linked and announced once"
    linked = sum(s.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NOT NULL").fetchone()[0]
                 for s in c.shards)
    assert linked == 24
    assert source != target
    # An interrupted move must be finished to its own target: another target would orphan its partial copy.
    c.proxy.execute("INSERT INTO datalinker_proxy.partition_moves (partition, to_connstr, step) VALUES (%s, %s, 'frozen')",
                    [partition, c.definition.shards[source].proxy_conninfo])
    with pytest.raises(ValueError, match=f"partition {partition} is already being moved to"):
        cluster.move_partition(c.definition, partition, (target + 1) % 3 if (target + 1) % 3 != source else target)


def test_shards_in_separate_postgresql_clusters_on_their_own_ports(admin_conninfo: str, tmp_path: Path) -> None:
    """Two shards, each a PostgreSQL cluster of its own started here; the proxy on the test server."""
    from contextlib import ExitStack

    from psycopg.conninfo import conninfo_to_dict

    with ExitStack() as stack:
        servers = [stack.enter_context(dbadmin.server(prefer_ephemeral=True)) for _ in range(2)]
        ports = {conninfo_to_dict(s).get("port") for s in servers}
        assert len(ports) == 2, "two clusters, two ports"
        proxy = stack.enter_context(dbadmin.throwaway_database(admin_conninfo, prefix="datalinker_proxy"))
        shards = [stack.enter_context(dbadmin.throwaway_database(s, prefix="datalinker_shard")) for s in servers]
        definition = cluster.load(write_definition(tmp_path / "two.toml", proxy, shards, partitions=4))
        cluster.migrate_cluster(definition)
        with psycopg.connect(proxy, autocommit=True) as p:
            add_users(p, 8)
            for u in range(8):
                p.execute("SELECT datalinker.end_session(%s, %s)", [f"s{u}", T0 + 10 * MIN])
            for shard in shards:
                drain(shard)
            linked = {r[0]: r[1] for r in p.execute("SELECT name, count FROM datalinker.status_report()"
                                                     " WHERE section = 'sessions'").fetchall()}
            assert linked == {"completed": 8}
            for u in range(8):
                (hashed,) = p.execute("SELECT hashtext(%s) & 3", [f"user-{u}"]).fetchone()
                with psycopg.connect(shards[hashed % 2]) as home:
                    assert home.execute("SELECT session_id FROM public.raw_data_objects WHERE user_id = %s",
                                        [f"user-{u}"]).fetchone() == (f"s{u}",)


def test_growing_the_partition_count_moves_no_user_and_then_one_partition_moves(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 24)
    before = where_is(c, "sessions", "user_id")
    grown = write_definition(c.path.with_name("grown.toml"), c.definition.proxy,
                             [s.conninfo for s in c.definition.shards], partitions=16)
    result = subprocess.run([sys.executable, "-m", "datalinker.cli", "migrate", "--cluster", str(grown)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert c.proxy.execute("SELECT count(*) FROM datalinker_proxy.partitions").fetchone() == (16,)
    assert {u: expected_shard(c, u) for u in before} == before, "doubling moved nobody"
    (partition,) = c.proxy.execute("SELECT hashtext('user-5') & 15").fetchone()
    target = (before["user-5"] + 1) % 3
    cluster.move_partition(cluster.load(grown), partition, target)
    after = where_is(c, "sessions", "user_id")
    movers = {u for u in before if c.proxy.execute("SELECT hashtext(%s) & 15", [u]).fetchone()[0] == partition}
    assert {u: after[u] for u in movers} == {u: target for u in movers}
    assert {u: after[u] for u in before if u not in movers} == {u: before[u] for u in before if u not in movers}
    c.proxy.execute("SELECT datalinker.end_session('s5', %s)", [T0 + 10 * MIN])
    assert c.proxy.execute("SELECT link_status FROM datalinker.link_session('s5')").fetchone() == ("completed",)
    shrunk = write_definition(c.path.with_name("shrunk.toml"), c.definition.proxy,
                              [s.conninfo for s in c.definition.shards], partitions=4)
    refused = subprocess.run([sys.executable, "-m", "datalinker.cli", "migrate", "--cluster", str(shrunk)],
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and "partitions can only grow" in refused.stderr


def test_a_frozen_partition_refuses_calls_with_a_retryable_error(three_shards: ProxyCluster) -> None:
    c = three_shards
    add_users(c.proxy, 1)
    (partition,) = c.proxy.execute("SELECT hashtext('user-0') & 7").fetchone()
    c.proxy.execute("UPDATE datalinker_proxy.partitions SET frozen = true WHERE partition = %s", [partition])
    with pytest.raises(psycopg.errors.LockNotAvailable, match=f"DL010: partition {partition} .* is moving"):
        c.proxy.execute("SELECT datalinker.end_session('s0', %s)", [T0 + 10 * MIN])
    (transient,) = c.shards[0].execute("SELECT datalinker.is_transient('55P03')").fetchone()
    assert transient, "callers (and the worker) treat it as retry-later"
    c.proxy.execute("UPDATE datalinker_proxy.partitions SET frozen = false WHERE partition = %s", [partition])
    assert c.proxy.execute("SELECT datalinker.end_session('s0', %s)", [T0 + 10 * MIN]).fetchone()[0] is not None
