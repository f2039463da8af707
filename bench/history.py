"""Cost against history (issue 21, DESIGN §3a): a wearable worn 8 h a day with one 1-hour session a day, its
days going by, against a fresh user's identical day in the same database and the same run.

History as the linker leaves it: each past day uploaded live and its session linked by link_session (its
chunks linked; the ~7 h of live chunks between sessions decided: UTC, no session). Measured on "today" (a new
session of each user, its chunks uploaded live): link_session in a rolled-back transaction; then, the session
linked, one placement pass after one upload (a chunk, then place_user) in a rolled-back transaction (medians
of `repeats` links, each after a VACUUM and a CHECKPOINT, and PASS_REPEATS times as many passes, the two users taking
turns), plus the server's CPU time for each link and for that upload and pass, and the shared buffer blocks each
touches (a count of the work, whatever the machine's speed).
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg

from bench import measure
from datalinker import builders

FIRST_DAY = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)  # wear 08:00–16:00, session 11:00–12:00
SESSION_FROM, SESSION_HOURS, WEAR_HOURS = timedelta(hours=3), 1, 8
OFFSET_US = builders.offset_us(builders.DEFAULT_OFFSET_MS)
PASS_REPEATS = 5  # one pass per link measured, times this

# One day of 1-s device-time chunks of some users, uploaded live (1.5 s after each chunk's end), through the
# ingest API; the users' chunks in turn, second by second, so that they share the table's pages alike.
DAY_OF_CHUNKS = """
SELECT datalinker.add_chunks(array_agg(u), array_agg(u || '/' || %(tag)s || '/' || k), array_agg(NULL::text),
           array_agg(NULL::timestamptz), array_agg(NULL::timestamptz),
           array_agg(datalinker.wrap_us(datalinker.epoch_us(t0) + %(off)s)),
           array_agg(datalinker.wrap_us(datalinker.epoch_us(t0) + 1000000 + %(off)s)),
           array_agg('eeg'::text), array_agg(t0 + interval '2.5 seconds'))
FROM (SELECT u, k, %(wear)s::timestamptz + k * interval '1 second' AS t0
      FROM generate_series(0, %(seconds)s - 1) k CROSS JOIN unnest(%(users)s::text[]) u
      ORDER BY k, u) c
"""


def add_day(conn: psycopg.Connection, users: tuple[str, ...], day: int) -> dict[str, str]:
    """One worn day of each of `users` (day 0 = FIRST_DAY) with its session, ended, not linked; their chunks
    written together, in turn; returns each user's session id."""
    wear = FIRST_DAY + timedelta(days=day)
    start, end = wear + SESSION_FROM, wear + SESSION_FROM + timedelta(hours=SESSION_HOURS)
    sessions = {user: f"{user}-day{day:03d}" for user in users}
    for user, session in sessions.items():
        builders.add_session(conn, session, user, start, end)
    conn.execute(DAY_OF_CHUNKS, {"users": list(users), "tag": f"d{day:03d}", "off": OFFSET_US,
                                 "seconds": WEAR_HOURS * 3600, "wear": wear})
    return sessions


def server_cpu_s(conn: psycopg.Connection) -> float:
    """CPU seconds of this connection's backend so far (Linux /proc: schedstat's on-CPU nanoseconds, else stat's
    user + system ticks); NaN when the server runs on another machine (DATABASE_URL elsewhere)."""
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
    schedstat, stat = Path(f"/proc/{pid}/schedstat"), Path(f"/proc/{pid}/stat")
    if schedstat.exists():
        return int(schedstat.read_text().split()[0]) / 1e9
    if not stat.exists():
        return float("nan")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def blocks(conn: psycopg.Connection, query: str, params: list[object]) -> float:
    """Shared buffer blocks (hit + read) a statement touches, nested functions included: a count of the work
    that does not vary with the machine's speed (EXPLAIN ANALYZE BUFFERS; run in the caller's transaction)."""
    plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + query, params).fetchone()
    top = plan[0][0]["Plan"]  # type: ignore[index]
    return float(top["Shared Hit Blocks"] + top["Shared Read Blocks"])


def upload_next_chunk(conn: psycopg.Connection, user: str, name: str, day: int) -> None:
    """One live upload of `user`: the next 1-s chunk after the day's wear, received 1.5 s after its end."""
    t0 = FIRST_DAY + timedelta(days=day, hours=WEAR_HOURS)
    tick = builders.device_tick(t0, OFFSET_US)
    builders.insert_chunks(conn, [builders.tick_chunk(f"{user}/upload/{name}", user, tick, (tick + 10**6) % 2**32,
                                                      t0 + timedelta(seconds=2.5))])


def measure_today(conn: psycopg.Connection, users: tuple[str, ...], day: int, repeats: int) -> dict[str, dict[str, float]]:
    """For each user, link_session of the day's session (rolled back, `repeats` times); then the session linked for
    good, as the worker leaves it, one upload (the next 1-s chunk after the day's wear, live) and the placement pass
    after it (rolled back). The users take turns at every repetition, so a slow spell of the machine hits each of
    them alike (the figures are ratios of them), and each goes first as often as the other. The pass runs after
    the link's commit as in production (its own job): inside the link's transaction it would also walk the index
    entries of the chunks that transaction just linked."""
    link: dict[str, list[float]] = {u: [] for u in users}
    link_cpu: dict[str, list[float]] = {u: [] for u in users}
    upload: dict[str, list[float]] = {u: [] for u in users}
    cpu: dict[str, list[float]] = {u: [] for u in users}
    sessions = add_day(conn, users, day)  # both users' day written together: the same pages, alike
    for k in range(repeats):
        for user in users if k % 2 == 0 else users[::-1]:  # each goes first as often as the other
            # A rolled-back link leaves its index entries dead where the next repetition inserts the same keys:
            # gone before it, as in production, where a day is linked once (left, they read the old user's link
            # 1.15-1.26x of the fresh one's in a database of its own; 0.95-1.10x without them); and each link
            # starts right after a checkpoint (measure.before_write).
            measure.before_write(conn)
            with conn.transaction(force_rollback=True):
                cpu0, started = server_cpu_s(conn), time.perf_counter()
                conn.execute("SELECT * FROM datalinker.link_session(%s)", [sessions[user]]).fetchall()
                link[user].append(time.perf_counter() - started)
                link_cpu[user].append(server_cpu_s(conn) - cpu0)
    measure.before_write(conn)  # the last repetition's dead entries gone before the blocks are counted
    link_blocks: dict[str, float] = {}
    pass_blocks: dict[str, float] = {}
    for user in users:
        with conn.transaction(force_rollback=True):
            link_blocks[user] = blocks(conn, "SELECT * FROM datalinker.link_session(%s)", [sessions[user]])
        conn.execute("SELECT * FROM datalinker.link_session(%s)", [sessions[user]]).fetchall()
    for k in range(PASS_REPEATS * repeats):  # a few ms each: more of them, a steadier median
        for user in users if k % 2 == 0 else users[::-1]:
            with conn.transaction(force_rollback=True):
                cpu0, started = server_cpu_s(conn), time.perf_counter()
                upload_next_chunk(conn, user, str(k), day)
                conn.execute("SELECT * FROM datalinker.place_user(%s)", [user]).fetchall()
                upload[user].append(time.perf_counter() - started)
                cpu[user].append(server_cpu_s(conn) - cpu0)
    for user in users:
        with conn.transaction(force_rollback=True):
            upload_next_chunk(conn, user, "blocks", day)
            pass_blocks[user] = blocks(conn, "SELECT * FROM datalinker.place_user(%s)", [user])
    return {u: {"link_s": statistics.median(link[u]), "link_cpu_s": statistics.median(link_cpu[u]),
                "pass_s": statistics.median(upload[u]),
                "cpu_s": statistics.median(cpu[u]), "link_blocks": link_blocks[u], "pass_blocks": pass_blocks[u]}
            for u in users}


def run(conn: psycopg.Connection, checkpoints: tuple[int, ...], repeats: int = 9) -> dict[str, float]:
    """History grown to each checkpoint (days), then today measured for the old and a fresh user."""
    results: dict[str, float] = {}
    built = 0
    for days in checkpoints:  # days of history before "today" (day index `days`)
        for day in range(built, days):
            session = add_day(conn, ("hist-old",), day)["hist-old"]
            conn.execute("SELECT * FROM datalinker.link_session(%s)", [session]).fetchall()
        conn.execute("VACUUM ANALYZE public.raw_data_objects")
        measured = measure_today(conn, ("hist-old", f"hist-fresh{days}"), days, repeats)
        old, fresh = measured["hist-old"], measured[f"hist-fresh{days}"]
        for key in ("link_s", "link_cpu_s", "pass_s", "cpu_s", "link_blocks", "pass_blocks"):
            results[f"history{days}_old_{key}"], results[f"history{days}_fresh_{key}"] = old[key], fresh[key]
        # today (linked by measure_today) becomes history as the worker leaves it
        built = days + 1
    return results
