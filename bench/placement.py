"""Placement figures (late and offline data): a buffered hour, and a simulated lab day placed whole."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timezone

import psycopg

from bench import measure, workload

LAB_DAY = datetime(2026, 4, 6, 8, 0, tzinfo=timezone.utc)

BARE_DAY_UPDATE = ("UPDATE public.raw_data_objects SET start_time = start_time, end_time = end_time,"
                   " session_id = session_id WHERE user_id LIKE %s AND session_id IS NOT NULL")
# The placement's own write, given its answers: what place_user's UPDATE writes (the chunks it linked or decided,
# from pending to placed: a foreign-key check for each linked one, new index entries), per user, by the same plan
# (its placements hashed against the user's pending rows), nothing decided. BARE_DAY_UPDATE above rewrites rows
# with the values they hold: no key changes, so no foreign-key check, and HOT where a page has room — not the
# write a placement has to make.
SNAPSHOT_PLACED = """
CREATE TEMP TABLE placed_day AS
SELECT r.user_id, array_agg(r.object_id) AS ids, array_agg(r.session_id) AS sessions,
       array_agg(r.start_time) AS starts, array_agg(r.end_time) AS ends
FROM public.raw_data_objects r
WHERE r.user_id LIKE %s AND r.linked_by = 'placement'
GROUP BY r.user_id
"""
UNPLACE_DAY = ("UPDATE public.raw_data_objects SET start_time = NULL, end_time = NULL, session_id = NULL,"
               " linked_by = NULL WHERE user_id LIKE %s AND linked_by = 'placement'")
WRITE_PLACEMENTS = """
UPDATE public.raw_data_objects r
   SET start_time = u.start_time, end_time = u.end_time, session_id = u.session_id, linked_by = 'placement'
  FROM placed_day p, unnest(p.ids, p.sessions, p.starts, p.ends) AS u(object_id, session_id, start_time, end_time)
 WHERE p.user_id = %(user)s AND r.object_id = u.object_id AND r.user_id = %(user)s
   AND r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
"""
# The day is loaded this many times (users of their own), and each copy is placed and then written by the bare
# UPDATEs right after: a placement and the bare UPDATEs it is compared with run side by side, and the medians of the
# pairs are the figures (one run of either is one sample of a noisy machine). A copy each, because a bare UPDATE
# must write committed rows, as after a real day: inside the placement's own transaction it writes rows that
# transaction wrote, 1.35x slower, which would flatter the ratio.
LAB_REPEATS = 3
SESSIONS_IN_START_ORDER = "SELECT session_id FROM public.sessions WHERE session_id LIKE %s ORDER BY start_time, session_id"
def make_buffered(conn: psycopg.Connection, prefix: str, n: int, minutes: float, experiment_id: object) -> int:
    """n sessions whose chunks all arrive in one burst three days after the session ended."""
    return workload.make_sessions(conn, prefix, n, minutes, users=n, experiment_id=experiment_id,
                                  buffered_every=1, upload_delay="3 days", day=workload.DAY.replace(day=9))


def objects_linked(conn: psycopg.Connection, session_id: str) -> int:
    """What link_session would link for the session (rolled back)."""
    with conn.transaction(force_rollback=True):
        row = conn.execute("SELECT objects_linked FROM datalinker.link_session(%s)", [session_id]).fetchone()
    assert row is not None
    return int(row[0])


def write_placements(conn: psycopg.Connection, user_prefix: str) -> tuple[float, int]:
    """The copy's placements written again by the placement's own UPDATE, given its answers: snapshot what the
    placement wrote, put those rows back to pending (committed, then VACUUM, as rows are before their placement),
    then the UPDATE per user, timed, committed (the copy ends as placed). Seconds, rows written."""
    with conn.transaction():
        conn.execute(SNAPSHOT_PLACED, [user_prefix + "%"])
        users = [r[0] for r in conn.execute("SELECT user_id FROM placed_day ORDER BY user_id").fetchall()]
        conn.execute(UNPLACE_DAY, [user_prefix + "%"])
    measure.before_write(conn)
    written, elapsed = 0, 0.0
    with conn.transaction():
        for setting in ("jit", "enable_nestloop", "enable_seqscan"):  # place_user's own settings for its UPDATE
            conn.execute(f"SET LOCAL {setting} = off")
        for user in users:
            started = time.perf_counter()
            written += conn.execute(WRITE_PLACEMENTS, {"user": user}).rowcount
            elapsed += time.perf_counter() - started
    conn.execute("DROP TABLE placed_day")
    return elapsed, written


def lab_day(conn: psycopg.Connection, users: int, hours: float, minutes: float = 45,
            repeats: int = LAB_REPEATS) -> dict[str, float]:
    """A lab day: `users` users, sessions of `minutes` back to back (10-min gaps) over `hours` hours, every third
    one buffered on the device and uploaded 5 h after it ended; `repeats` copies of it, each its own users. Each
    copy in turn: every session linked in start order (each call places the user's chunks, committed), then the
    bare UPDATE of the rows placed (rolled back), then the placement's own UPDATE given its answers
    (write_placements); each of the three starts after measure.before_write. Median time to place a day and chunks
    placed per second, against both bare writes'."""
    per_user = max(1, int(hours * 60 // (minutes + 10)))
    chunks = 0
    for k in range(repeats):
        chunks = workload.make_sessions(conn, f"day{k}-", users * per_user, minutes, chunk_seconds=2.0, users=users,
                                        day=LAB_DAY, user_prefix=f"day{k}-user-", images=0, buffered_every=3,
                                        upload_delay="5 hours")
    conn.execute("VACUUM ANALYZE public.raw_data_objects")
    link_runs, bare_runs, write_runs, placed_runs, written_runs, sessions = [], [], [], [], [], 0
    for k in range(repeats):
        ids = [r[0] for r in conn.execute(SESSIONS_IN_START_ORDER, [f"day{k}-%"]).fetchall()]
        sessions = len(ids)
        measure.before_write(conn)
        started = time.perf_counter()
        for sid in ids:
            conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid]).fetchall()
        link_runs.append(time.perf_counter() - started)
        row = conn.execute("SELECT count(*) FILTER (WHERE session_id IS NOT NULL), count(*) FROM public.raw_data_objects"
                           " WHERE user_id LIKE %s AND linked_by = 'placement'", [f"day{k}-user-%"]).fetchone()
        assert row is not None
        placed_runs.append(row[0])
        written_runs.append(row[1])
        measure.before_write(conn)
        with conn.transaction(force_rollback=True):
            started = time.perf_counter()  # rewriting the linked rows in place: nothing decided, nothing changed
            conn.execute(BARE_DAY_UPDATE, [f"day{k}-user-%"])
            bare_runs.append(time.perf_counter() - started)
        elapsed, written = write_placements(conn, f"day{k}-user-")
        assert written == row[1], f"the placement's UPDATE wrote {written} rows of the {row[1]} placed"
        write_runs.append(elapsed)
    elapsed, bare, write = statistics.median(link_runs), statistics.median(bare_runs), statistics.median(write_runs)
    placed = min(placed_runs)  # the copies are alike: a copy that placed less shows in "chunks placed / chunks"
    return {"lab_day_users": users, "lab_day_sessions": sessions, "lab_day_chunks": chunks,
            "lab_day_placed": placed, "lab_day_s": elapsed, "lab_day_chunks_per_s": placed / elapsed,
            "lab_day_bare_update_per_s": placed / bare, "lab_day_repeats": repeats,
            "lab_day_ratio_min": min(b / s for b, s in zip(bare_runs, link_runs)),
            "lab_day_ratio_max": max(b / s for b, s in zip(bare_runs, link_runs)),
            "lab_day_written": min(written_runs), "lab_day_write_s": write,
            "lab_day_write_ratio_min": min(w / s for w, s in zip(write_runs, link_runs)),
            "lab_day_write_ratio_max": max(w / s for w, s in zip(write_runs, link_runs))}


# 60 sync measurements a minute apart, consistent with the session's constant offset: ±40 µs of jitter, two
# outliers of +50/−35 ms, and a counter reset at minute 50 (the offset jumps by 5·10^8 ms; RESET_TICKS moves
# the ticks of the chunks recorded after it).
NOISY_CLOCK = """
UPDATE public.sessions s
   SET clock_offset_info = jsonb_build_object('measurements', (
       SELECT jsonb_agg(jsonb_build_object(
                  'at', to_char(s.start_time + (k * 60 + 30) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'offset_ms', (s.clock_offset_info ->> 'offset_ms_avg')::numeric
                               + ((k * 7919) %% 81 - 40) / 1000.0
                               + CASE k WHEN 17 THEN 50 WHEN 41 THEN -35 ELSE 0 END
                               + CASE WHEN k >= 50 THEN 500000000 ELSE 0 END)
              ORDER BY k)
       FROM generate_series(0, 59) k))
 WHERE s.session_id LIKE %s
"""

RESET_TICKS = """
UPDATE public.raw_data_objects r
   SET start_time_device = datalinker.wrap_us(r.start_time_device + 500000000000),
       end_time_device = datalinker.wrap_us(r.end_time_device + 500000000000)
 WHERE r.object_id LIKE %s AND split_part(r.object_id, '/', 3)::integer >= 3000
"""

FIT_10000 = """
SELECT count(*) FROM datalinker.clock_pieces(jsonb_build_object('measurements', (
    SELECT jsonb_agg(jsonb_build_object('at', to_char(timestamptz '2026-03-02 00:00Z' + k * interval '6 seconds',
                                                      'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                        'offset_ms', -1712345678901.25 + k * 0.00015 + ((k * 7919) % 81 - 40) / 1000.0
                                                     + CASE WHEN k % 97 = 0 THEN 40 ELSE 0 END
                                                     + CASE WHEN k >= 5000 THEN 9000000 ELSE 0 END) ORDER BY k)
    FROM generate_series(0, 9999) k)))
"""


def make_noisy(conn: psycopg.Connection, prefix: str, n: int, minutes: float, experiment_id: object) -> int:
    """n live sessions like the latency ones, whose clock is 60 noisy sync measurements with one reset."""
    chunks = workload.make_sessions(conn, prefix, n, minutes, users=n, experiment_id=experiment_id,
                                    day=workload.DAY.replace(day=16))
    conn.execute(NOISY_CLOCK, [prefix + "%"])
    conn.execute(RESET_TICKS, [prefix + "%"])
    return chunks


def fit_10000_ms(conn: psycopg.Connection) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        conn.execute(FIT_10000).fetchone()
        runs.append((time.perf_counter() - started) * 1000)
    return sorted(runs)[1]
