"""Apply the yoyo migrations in migrations/ and re-create the functions from sql/."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations

from datalinker.sqlsource import MIGRATIONS_DIR

log = logging.getLogger(__name__)


def yoyo_uri(conninfo: str) -> str:
    """A yoyo URL for any libpq conninfo (URL or key=value; '' means the PG* defaults)."""
    params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    return "postgresql+psycopg:///" + ("?" + urlencode(params) if params else "")


def migrate(conninfo: str) -> int:
    """Apply pending migrations, then always re-run the post-apply step; returns how many were new."""
    migrations = read_migrations(str(MIGRATIONS_DIR))
    if not migrations:  # an install without its migrations must not look like an up-to-date database
        raise FileNotFoundError(f"no migrations found in {MIGRATIONS_DIR}: the installation is incomplete")
    backend = get_backend(yoyo_uri(conninfo))
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations_only(pending)
            backend.run_post_apply(migrations)
    finally:
        backend.connection.close()
    log.info("migrations applied: %d new of %d; functions re-created from sql/", len(pending), len(migrations))
    return len(pending)
