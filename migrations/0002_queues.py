"""0002 queues: install pgmq from the SQL the PyPI package `pgmq` ships, create our queues.

The SQL-only install is not re-runnable, so it is skipped when a `pgmq` schema or extension is
already there (e.g. the pgmq extension installed by a DBA). Append-only: never edit once landed.
"""

from pgmq.install import get_embedded_install_sql
from yoyo import step

__depends__ = {"0001_schema"}

QUEUES = ("data_linker_queue", "event_correction_queue", "data_linker_dead_letter")


def install_pgmq(conn) -> None:  # type: ignore[no-untyped-def]
    with conn.cursor() as cur:
        cur.execute("SELECT to_regnamespace('pgmq') IS NOT NULL"
                    " OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgmq')")
        if not cur.fetchone()[0]:
            cur.execute(get_embedded_install_sql())
        for queue in QUEUES:
            cur.execute("SELECT pgmq.create(%s)", [queue])
        # Workers LISTEN for inserts; they also poll, because notifications can be missed.
        cur.execute("SELECT pgmq.enable_notify_insert('data_linker_queue', 100)")


steps = [step(install_pgmq)]
