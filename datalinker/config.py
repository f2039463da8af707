"""Connection settings: DATABASE_URL, else the libpq PG* environment variables."""

from __future__ import annotations

import os

from psycopg.conninfo import make_conninfo


def conninfo() -> str:
    """The libpq connection string for the configured database ('' = libpq defaults / PG* vars)."""
    return os.environ.get("DATABASE_URL", "")


def with_dbname(base: str, dbname: str) -> str:
    """The same server as `base`, another database."""
    return make_conninfo(base, dbname=dbname)
