"""The migrated schema as a normalised `pg_dump --schema-only`, compared with the committed tests/migrations/schema.sql.

Normalised: no dump comments, SET lines or blank lines; functions as their signature and result only (their bodies and
comments are sql/, checked by tests/migrations and tests/docs); the version stamp of schema datalinker
blanked; pgmq's own schema (the installed pgmq's) replaced by the list of our queues.
Rewrite it after an intended change: `python -m tests.migrations.schema_snapshot` (uses DATABASE_URL / PG*).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg

SNAPSHOT = Path(__file__).with_name("schema.sql")
_FUNCTION = re.compile(r"^(CREATE FUNCTION [^\n]*)\n.*?^\$(\w*)\$;$", re.M | re.S)
_DROPPED = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")


def normalised(dump: str, queues: list[str]) -> str:
    dump = _FUNCTION.sub(lambda m: m.group(1) + ";", dump)
    dump = re.sub(r"^COMMENT ON FUNCTION .*?;$\n", "", dump, flags=re.M | re.S)
    dump = re.sub(r"^(COMMENT ON SCHEMA datalinker IS ')datalinker sha256:\w+';", r"\1<version>';", dump, flags=re.M)
    lines = [line for line in dump.splitlines() if line.strip() and not line.startswith(_DROPPED)]
    return "\n".join(lines + [f"-- pgmq queues: {', '.join(queues)}"]) + "\n"


def snapshot(conninfo: str) -> str:
    dump = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--exclude-schema=pgmq", "-d", conninfo],
                          capture_output=True, text=True, check=True).stdout
    with psycopg.connect(conninfo) as conn:
        queues = [r[0] for r in conn.execute("SELECT queue_name FROM pgmq.meta ORDER BY 1")]
    return normalised(dump, queues)


if __name__ == "__main__":
    from datalinker import dbadmin
    from datalinker.migrate import migrate

    with dbadmin.server() as admin, dbadmin.throwaway_database(admin) as conninfo:
        migrate(conninfo)
        SNAPSHOT.write_text(snapshot(conninfo))
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
