"""Throwaway databases: pick a server, create/clone/drop databases on it."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator

import psycopg
from psycopg import sql

from datalinker import config
from datalinker.ephemeral import EphemeralPostgresql, reachable

log = logging.getLogger(__name__)


@contextlib.contextmanager
def server(prefer_ephemeral: bool = False, postgres_args: str = "") -> Iterator[str]:
    """Admin conninfo of a server: DATABASE_URL if set, else the local one (PG* vars), else a throwaway cluster.

    postgres_args: extra server options for a throwaway cluster (e.g. "-c shared_buffers=2GB").
    """
    base = config.conninfo()
    if os.environ.get("DATABASE_URL") or (not prefer_ephemeral and reachable(base)):
        yield base
        return
    log.info("starting a throwaway PostgreSQL cluster (testing.postgresql)")
    defaults = EphemeralPostgresql.DEFAULT_SETTINGS["postgres_args"]
    with EphemeralPostgresql(postgres_args=f"{defaults} {postgres_args}".strip()) as pg:
        yield pg.conninfo("postgres")


def create_database(admin: str, template: str | None = None, prefix: str = "datalinker") -> str:
    """Create a uniquely named database (optionally cloned from `template`); returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        conn.execute(query)
    return name


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def throwaway_database(admin: str, template: str | None = None, prefix: str = "datalinker") -> Iterator[str]:
    """Conninfo of a new database, dropped on exit."""
    name = create_database(admin, template, prefix)
    try:
        yield config.with_dbname(admin, name)
    finally:
        drop_database(admin, name)
