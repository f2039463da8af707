"""`datalinker demo`: the whole job end to end on a throwaway database.

Migrate, load a synthetic lab day, end every session through end_session (as the Session Manager
does), run the worker until data_linker_queue is drained, print a summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psycopg
from psycopg.rows import dict_row
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress

from datalinker import dbadmin, queries
from datalinker.output import show
from datalinker.migrate import migrate
from datalinker.synthetic import load_lab_day

SUMMARY = """
SELECT s.session_id, s.user_id, s.session_type AS type, s.link_status AS status,
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id) AS chunks,
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id
         AND r.start_time_device IS NOT NULL) AS converted,
       -- the synthetic object ids carry the true start in µs: every linked chunk must match it exactly
       (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id
         AND datalinker.epoch_us(r.start_time)::text = split_part(split_part(r.object_id, '/', 4), '.', 1)) AS exact,
       (SELECT count(*) FROM public.images i WHERE i.session_id = s.session_id AND i.experiment_id IS NOT NULL)
     + (SELECT count(*) FROM public.audio_clips a WHERE a.session_id = s.session_id
         AND a.experiment_id IS NOT NULL) AS media,
       to_char(min_t, 'HH24:MI:SS.US') AS first_chunk_utc, s.link_error
FROM public.sessions s
LEFT JOIN LATERAL (SELECT min(r.start_time) AS min_t FROM public.raw_data_objects r
                   WHERE r.session_id = s.session_id) m ON true
ORDER BY s.user_id, s.start_time
"""
PROGRESS = "SELECT count(*) FILTER (WHERE link_status IN ('completed', 'failed')) FROM public.sessions"


def run_demo(users: int, main_minutes: float, concurrency: int) -> int:
    given = bool(os.environ.get("DATABASE_URL"))
    with dbadmin.server(prefer_ephemeral=not given) as admin, \
            dbadmin.throwaway_database(admin, prefix="datalinker_demo") as conninfo:
        print(f"demo database: {'a throwaway database on DATABASE_URL' if given else 'a throwaway PostgreSQL cluster'}")
        migrate(conninfo)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            started = time.monotonic()
            with conn.transaction():
                day = load_lab_day(conn, users=users, main_minutes=main_minutes)
            print(f"loaded {len(day.sessions)} sessions, {day.chunks} chunks, {day.media} media files"
                  f" in {time.monotonic() - started:.1f}s")
            for s in day.sessions:  # the Session Manager's POST /api/v1/sessions/end
                conn.execute(queries.END_SESSION, {"session_id": s.session_id, "end_time": s.end})

            started = time.monotonic()
            worker = subprocess.Popen([sys.executable, "-m", "worker", "--exit-when-idle", "--poll", "0.5",
                                       "--concurrency", str(concurrency), "--log-level", "warning"],
                                      env={**os.environ, "DATABASE_URL": conninfo})
            with Progress(*Progress.get_default_columns(), MofNCompleteColumn(),
                          console=Console(stderr=True)) as progress:
                task = progress.add_task("linking sessions", total=len(day.sessions))
                while worker.poll() is None:
                    time.sleep(0.3)
                    progress.update(task, completed=(conn.execute(PROGRESS).fetchone() or (0,))[0])
                progress.update(task, completed=(conn.execute(PROGRESS).fetchone() or (0,))[0])
            elapsed = time.monotonic() - started

            rows = conn.cursor(row_factory=dict_row).execute(SUMMARY).fetchall()
            show({"sessions": rows, "status": conn.cursor(row_factory=dict_row).execute(queries.STATUS_REPORT).fetchall()})
            completed = sum(r["status"] == "completed" for r in rows)
            print(f"\n{completed}/{len(rows)} sessions completed in {elapsed:.1f}s with {concurrency} worker(s);"
                  f" event_correction_queue got one message per completed session.")
            return 0 if completed == len(rows) else 1
