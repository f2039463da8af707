"""A PL/Proxy cluster per test: a proxy database and three shard databases on the test server, migrated
with `datalinker.cluster.migrate_cluster` from a cluster definition file, dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from datalinker import cluster, config, dbadmin


@dataclass
class ProxyCluster:
    definition: cluster.Cluster
    path: Path  # the TOML file
    proxy: psycopg.Connection
    shards: list[psycopg.Connection]


@pytest.fixture
def three_shards(admin_conninfo: str, template_db: str, tmp_path: Path) -> Iterator[ProxyCluster]:
    names = [dbadmin.create_database(admin_conninfo, prefix="datalinker_proxy")]
    names += [dbadmin.create_database(admin_conninfo, template=template_db, prefix=f"datalinker_shard{i}")
              for i in range(3)]
    conninfos = [config.with_dbname(admin_conninfo, n) for n in names]
    try:
        path = cluster.write_definition(tmp_path / "cluster.toml", conninfos[0], conninfos[1:])
        definition = cluster.load(path)
        cluster.migrate_cluster(definition)
        with psycopg.connect(conninfos[0], autocommit=True) as proxy:
            shards = [psycopg.connect(c, autocommit=True) for c in conninfos[1:]]
            try:
                yield ProxyCluster(definition, path, proxy, shards)
            finally:
                for shard in shards:
                    shard.close()
    finally:
        for name in names:
            dbadmin.drop_database(admin_conninfo, name)
