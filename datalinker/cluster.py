"""A datalinker cluster: a PL/Proxy proxy database in front of N shards, each a complete datalinker.

The cluster definition (TOML):

    partitions = 8                          # a power of 2; partition k starts on shard k mod N
    [proxy]
    conninfo = "host=10.0.0.5 dbname=datalinker_proxy"
    [[shards]]
    conninfo = "host=10.0.0.6 dbname=datalinker"        # how `datalinker migrate` connects
    proxy_conninfo = "host=10.0.0.6 dbname=datalinker"  # how the proxy connects (default: conninfo)

A user's sessions, chunks and media live on the shard of partition hashtext(user_id) & (partitions - 1).
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from yoyo import get_backend, read_migrations

from datalinker import sqlsource
from datalinker.migrate import migrate, yoyo_uri

log = logging.getLogger(__name__)
PROXY_MIGRATIONS = sqlsource.MIGRATIONS_DIR / "proxy"
PROXY_SQL = sqlsource.SQL_DIR / "proxy"
PARTITION_OF = sqlsource.SQL_DIR / "ingest" / "partition_of.sql"  # one partition rule, on the shards and the proxy


@dataclass(frozen=True)
class Shard:
    conninfo: str
    proxy_conninfo: str


@dataclass(frozen=True)
class Cluster:
    proxy: str
    shards: tuple[Shard, ...]
    partitions: int


def load(path: Path) -> Cluster:
    """Read a cluster definition; errors name the field and the bad value."""
    data = tomllib.loads(path.read_text())
    partitions = data.get("partitions", 8)
    if not isinstance(partitions, int) or partitions < 1 or partitions & (partitions - 1):
        raise ValueError(f"{path}: partitions {partitions!r} must be a power of 2 (PL/Proxy)")
    proxy = data.get("proxy", {}).get("conninfo")
    if not isinstance(proxy, str):
        raise ValueError(f"{path}: [proxy] conninfo is missing")
    shards = tuple(Shard(s["conninfo"], s.get("proxy_conninfo", s["conninfo"])) for s in data.get("shards", []))
    if not shards or len(shards) > partitions:
        raise ValueError(f"{path}: {len(shards)} shard(s) for {partitions} partitions: need 1 to {partitions}")
    return Cluster(proxy, shards, partitions)


def write_definition(path: Path, proxy: str, shards: list[str], partitions: int = 8) -> Path:
    """Write a cluster definition (the format above); conninfos as TOML basic strings."""
    lines = [f"partitions = {partitions}", "[proxy]", f"conninfo = {json.dumps(proxy)}"]
    for shard in shards:
        lines += ["[[shards]]", f"conninfo = {json.dumps(shard)}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def migrate_cluster(cluster: Cluster) -> None:
    """Migrate every shard, then the proxy (its own migrations, its functions, the partition map)."""
    for shard in cluster.shards:
        migrate(shard.conninfo)
    backend = get_backend(yoyo_uri(cluster.proxy))
    try:
        with backend.lock():
            backend.apply_migrations_only(backend.to_apply(read_migrations(str(PROXY_MIGRATIONS))))
    finally:
        backend.connection.close()
    with psycopg.connect(cluster.proxy) as conn, psycopg.connect(cluster.shards[0].conninfo) as shard:
        apply_proxy_sql(conn, shard)
        init_partitions(conn, cluster)
    log.info("cluster migrated: %d shard(s), proxy with %d partitions", len(cluster.shards), cluster.partitions)


HEADER = re.compile(r"^-- (\w+)\.(\w+): (.+)$", re.M)
FUNCTION_OF = ("SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p"
               " WHERE p.pronamespace = %s::regnamespace AND p.proname = %s")
COMMENT = sql.SQL("COMMENT ON FUNCTION {} IS {}")


# In sql/proxy, `datalinker.f(...)` stands for the shard's own arguments and result of datalinker.f, and
# `(... of datalinker.g)` for the arguments of g: the proxy's signatures are read from a migrated shard's catalogue.
SAME_AS_SHARD = re.compile(r"(CREATE OR REPLACE FUNCTION [\w.]+)\(\.\.\.(?: of datalinker\.(\w+))?\)")
SHARD_SIGNATURE = ("SELECT pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid)"
                   " FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace AND p.proname = %s")


def with_shard_signatures(text: str, shard: psycopg.Connection[Any]) -> str:
    """text with every `(...)` placeholder replaced by the shard's signature (types schema-qualified)."""
    def signature(match: re.Match[str]) -> str:
        name = match[2] or match[1].rsplit(".", 1)[1]
        with shard.transaction():
            shard.execute("SET LOCAL search_path = pg_catalog")
            rows = shard.execute(SHARD_SIGNATURE, [name]).fetchall()
        if len(rows) != 1:
            raise ValueError(f"the shard has {len(rows)} functions datalinker.{name}: the proxy serves exactly one")
        arguments, result = rows[0]
        return f"{match[1]}({arguments})" + ("" if match[2] else f" RETURNS {result}")
    return SAME_AS_SHARD.sub(signature, text)


def apply_proxy_sql(conn: psycopg.Connection[Any], shard: psycopg.Connection[Any]) -> None:
    """Re-create the proxy's functions from sql/proxy (grants last), with the signatures of the shard API read
    from `shard`, each commented with its file's header line; drop proxy functions that no file defines."""
    files = [PARTITION_OF] + sorted(PROXY_SQL.glob("*.sql"), key=lambda p: (p.name == "grants.sql", p.name))
    with conn.cursor() as cur:
        cur.execute("SET LOCAL check_function_bodies = off")
        for path in files[:-1]:
            sqlsource.apply_file(cur, path, with_shard_signatures(path.read_text(encoding="utf-8"), shard))
            header = HEADER.search(path.read_text())
            assert header is not None, f"{path} has no '-- schema.name: contract' header"
            for (function,) in cur.execute(FUNCTION_OF, [header[1], header[2]]).fetchall():
                cur.execute(COMMENT.format(sql.SQL(function), sql.Literal(header[3])))
        cur.execute(sqlsource.DROP_FUNCTIONS)
        cur.execute(files[-1].read_text())


def init_partitions(conn: psycopg.Connection[Any], cluster: Cluster) -> None:
    """A new proxy: partition k on shard k mod N. An existing map is kept (moves change it); when the definition
    asks for more partitions, the map is doubled until it has them (see double_partitions: no data moves)."""
    count = conn.execute("SELECT count(*) FROM datalinker_proxy.partitions").fetchone()
    if count and count[0]:
        existing = int(count[0])
        if existing > cluster.partitions:
            raise ValueError(f"the proxy has {existing} partitions, the cluster definition says {cluster.partitions}:"
                             " partitions can only grow")
        while existing < cluster.partitions:
            existing = double_partitions(conn)
        return
    for k in range(cluster.partitions):
        conn.execute("INSERT INTO datalinker_proxy.partitions (partition, connstr) VALUES (%s, %s)",
                     [k, cluster.shards[k % len(cluster.shards)].proxy_conninfo])
    conn.execute("UPDATE datalinker_proxy.config_version SET version = version + 1")


def double_partitions(conn: psycopg.Connection[Any]) -> int:
    """P partitions become 2P: partition k + P starts on the shard of partition k, so hashtext(user) & (2P - 1)
    names the same shard as hashtext(user) & (P - 1) did — every user stays where it is, no row moves. Spread
    the new partitions with move_partition afterwards. Returns the new count."""
    with conn.transaction():
        conn.execute("LOCK TABLE datalinker_proxy.partitions IN EXCLUSIVE MODE")
        row = conn.execute("SELECT count(*) FROM datalinker_proxy.partitions").fetchone()
        assert row is not None
        old = int(row[0])
        conn.execute("INSERT INTO datalinker_proxy.partitions (partition, connstr, frozen)"
                     " SELECT partition + %s, connstr, frozen FROM datalinker_proxy.partitions", [old])
        conn.execute("UPDATE datalinker_proxy.config_version SET version = version + 1")
    log.info("partitions doubled: %d -> %d (no data moved)", old, 2 * old)
    return 2 * old


def shard_of_user(conn: psycopg.Connection[Any], user_id: str) -> str:
    """The connect string of the shard that holds a user (read from the proxy's partition map)."""
    row = conn.execute("SELECT p.connstr FROM datalinker_proxy.partitions p"
                       " WHERE p.partition = datalinker.partition_of(%s, (SELECT count(*) FROM datalinker_proxy.partitions)::integer - 1)",
                       [user_id]).fetchone()
    assert row is not None
    return str(row[0])


# The rows of one partition's users, in an order that satisfies the foreign keys when copied.
PARTITION_TABLES = tuple(sql.Identifier("public", t) for t in ("sessions", "raw_data_objects", "images", "audio_clips"))
IN_PARTITION = sql.SQL("datalinker.partition_of(user_id, %(mask)s) = %(partition)s")
LOCK_ROWS = sql.SQL("SELECT 1 FROM {table} WHERE {cond} FOR UPDATE")
DELETE_ROWS = sql.SQL("DELETE FROM {table} WHERE {cond}")
COPY_OUT = sql.SQL("COPY (SELECT * FROM {table} WHERE datalinker.partition_of(user_id, {mask}) = {partition}) TO STDOUT")
COPY_IN = sql.SQL("COPY {table} FROM STDIN")
PARTITION_JOBS = sql.SQL("SELECT q.msg_id, q.message FROM pgmq.q_data_linker_queue q JOIN public.sessions s"
                         " ON s.session_id = q.message ->> 'session_id'"
                         " WHERE datalinker.partition_of(s.user_id, %(mask)s) = %(partition)s FOR UPDATE OF q")
PARTITION_CHUNKS = "SELECT count(*) FROM public.raw_data_objects WHERE datalinker.partition_of(user_id, %(mask)s) = %(partition)s"
PARTITION_EXPERIMENTS = ("SELECT DISTINCT e.experiment_id, e.name, e.description FROM public.experiments e"
                         " JOIN public.sessions s USING (experiment_id)"
                         " WHERE datalinker.partition_of(s.user_id, %(mask)s) = %(partition)s")
DROP_JOB = "DELETE FROM pgmq.q_data_linker_queue WHERE msg_id = %s"
DROP_REQUESTS = "DELETE FROM datalinker.placement_requests WHERE datalinker.partition_of(user_id, %(mask)s) = %(partition)s"


def move_partition(cluster: Cluster, partition: int, to_shard: int) -> int:
    """Move every user of a partition to another shard; returns the chunks moved. Re-runnable after a crash.

    1. Freeze the partition on the proxy (after calls already routed to it finish): user-keyed calls for it
       fail with 55P03 and are retried by their callers.
    2. On the source shard, lock the partition's rows and its queued jobs; copy them to the target (which
       first drops any partial copy) and commit the target; delete them from the source and commit the
       source — the commit point. A re-run finds the source empty and goes straight to 3.
    3. Point the partition at the target and unfreeze it.
    """
    if not 0 <= partition < cluster.partitions or not 0 <= to_shard < len(cluster.shards):
        raise ValueError(f"partition {partition} / shard {to_shard} out of range "
                         f"(0..{cluster.partitions - 1} / 0..{len(cluster.shards) - 1})")
    target = cluster.shards[to_shard]
    params = {"mask": cluster.partitions - 1, "partition": partition}
    with psycopg.connect(cluster.proxy, autocommit=True) as proxy:
        with proxy.transaction():
            proxy.execute("SELECT pg_advisory_xact_lock(hashtext('datalinker.partition'), %s)", [partition])
            row = proxy.execute("SELECT connstr FROM datalinker_proxy.partitions WHERE partition = %s",
                                [partition]).fetchone()
            assert row is not None
            source_connstr = row[0]
            proxy.execute("INSERT INTO datalinker_proxy.partition_moves (partition, to_connstr, step)"
                          " VALUES (%s, %s, 'frozen') ON CONFLICT (partition) DO NOTHING",
                          [partition, target.proxy_conninfo])
            pending = proxy.execute("SELECT to_connstr FROM datalinker_proxy.partition_moves WHERE partition = %s",
                                    [partition]).fetchone()
            if pending is not None and pending[0] != target.proxy_conninfo:  # its partial copy would be orphaned
                raise ValueError(f"partition {partition} is already being moved to {pending[0]!r}:"
                                 " finish that move (run it again with that shard) first")
            proxy.execute("UPDATE datalinker_proxy.partitions SET frozen = true WHERE partition = %s", [partition])
        if source_connstr == target.proxy_conninfo:
            moved = 0
        else:
            source = next((s for s in cluster.shards if s.proxy_conninfo == source_connstr), None)
            if source is None:
                raise ValueError(f"partition {partition} is on {source_connstr!r}, a shard the cluster definition"
                                 " does not name")
            moved = _copy_then_delete(source.conninfo, target.conninfo, params)
        with proxy.transaction():
            proxy.execute("UPDATE datalinker_proxy.partitions SET connstr = %s, frozen = false WHERE partition = %s",
                          [target.proxy_conninfo, partition])
            proxy.execute("DELETE FROM datalinker_proxy.partition_moves WHERE partition = %s", [partition])
            proxy.execute("UPDATE datalinker_proxy.config_version SET version = version + 1")
    log.info("partition %d moved to shard %d: %d chunk(s)", partition, to_shard, moved)
    return moved


def _copy_then_delete(source_conninfo: str, target_conninfo: str, params: dict[str, int]) -> int:
    literal = {"mask": sql.Literal(params["mask"]), "partition": sql.Literal(params["partition"])}
    with psycopg.connect(source_conninfo) as src, psycopg.connect(target_conninfo) as dst:
        src.execute("SET LOCAL lock_timeout = '60s'")
        for table in PARTITION_TABLES:  # the lease: no worker changes these rows while they are copied
            src.execute(LOCK_ROWS.format(table=table, cond=IN_PARTITION), params)
        jobs = src.execute(PARTITION_JOBS, params).fetchall()
        chunks = src.execute(PARTITION_CHUNKS, params).fetchone()
        moved = int(chunks[0]) if chunks else 0
        for table in reversed(PARTITION_TABLES):  # a partial copy of an interrupted run goes first
            dst.execute(DELETE_ROWS.format(table=table, cond=IN_PARTITION), params)
        for experiment in src.execute(PARTITION_EXPERIMENTS, params).fetchall():
            dst.execute("SELECT datalinker.add_experiment(%s, %s, %s)", experiment)
        for table in PARTITION_TABLES:
            with src.cursor().copy(COPY_OUT.format(table=table, **literal)) as out, \
                    dst.cursor().copy(COPY_IN.format(table=table)) as into:
                for data in out:
                    into.write(data)
        for _, message in jobs:
            dst.execute("SELECT pgmq.send('data_linker_queue', %s)", [Jsonb(message)])
        dst.commit()
        for msg_id, _ in jobs:
            src.execute(DROP_JOB, [msg_id])
        src.execute(DROP_REQUESTS, params)
        for table in reversed(PARTITION_TABLES):
            src.execute(DELETE_ROWS.format(table=table, cond=IN_PARTITION), params)
        src.commit()  # the commit point: from here the target holds the only copy
    return moved
