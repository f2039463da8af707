"""The `datalinker` command line: thin wrappers around the SQL API (see README.md for exit codes)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from datalinker import config, queries
from datalinker.output import show, working
from datalinker.migrate import migrate

log = logging.getLogger("datalinker")

EXIT_OK = 0
EXIT_JOB_FAILED = 1  # the work ran and its result is `failed`
EXIT_USAGE = 2  # bad arguments (argparse)
EXIT_REJECTED = 3  # the database refused the input (unknown session, not ended, bad value)
EXIT_DB_UNAVAILABLE = 4  # could not connect / the connection broke


def connect() -> psycopg.Connection[dict[str, object]]:
    return psycopg.connect(config.conninfo(), autocommit=True, row_factory=dict_row)


def cmd_migrate(args: argparse.Namespace) -> int:
    if args.cluster is not None:
        from datalinker import cluster

        definition = cluster.load(args.cluster)
        cluster.migrate_cluster(definition)
        print(f"migrated: {len(definition.shards)} shard(s) and the proxy ({definition.partitions} partitions)")
        return EXIT_OK
    applied = migrate(config.conninfo())
    print(f"migrated: {applied} new migration(s); functions re-created")
    return EXIT_OK


def cmd_move_partition(args: argparse.Namespace) -> int:
    from datalinker import cluster

    moved = cluster.move_partition(cluster.load(args.cluster), args.partition, args.shard)
    print(f"partition {args.partition} now on shard {args.shard}: {moved} chunk(s) moved")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    with connect() as conn:
        row = conn.execute(queries.LINK_SESSION, {"session_id": args.session_id}).fetchone()
    assert row is not None
    show({"result": [row]}, args.json)
    return EXIT_OK if row["link_status"] == "completed" else EXIT_JOB_FAILED


def cmd_end_session(args: argparse.Namespace) -> int:
    with connect() as conn:
        row = conn.execute(queries.END_SESSION, {"session_id": args.session_id, "end_time": args.end_time}).fetchone()
    msg_id = None if row is None else row["end_session"]
    print(f"session {args.session_id} ended; " + (f"link job queued as msg_id {msg_id}" if msg_id is not None
                                                  else "it had already ended at that time (no new job)"))
    return EXIT_OK


def cmd_enqueue(args: argparse.Namespace) -> int:
    with connect() as conn:
        row = conn.execute(queries.ENQUEUE_LINK, {"session_id": args.session_id}).fetchone()
    print(f"link job for {args.session_id} queued as msg_id {row and row['enqueue_link']}")
    return EXIT_OK


def cmd_requeue_dead(args: argparse.Namespace) -> int:
    with connect() as conn:
        row = conn.execute(queries.REQUEUE_DEAD, {"limit": args.limit}).fetchone()
    print(f"requeued {row and row['requeue_dead']} dead letter(s)")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with connect() as conn:
        if args.session_id is None:
            show({"status": conn.execute(queries.STATUS_REPORT).fetchall()}, args.json)
            return EXIT_OK
        show({"session": conn.execute(queries.SESSION_STATUS, {"session_id": args.session_id}).fetchall(),
              "clock pieces": conn.execute(queries.CLOCK_REPORT, {"session_id": args.session_id}).fetchall()},
             args.json)
    return EXIT_OK


def cmd_relink(args: argparse.Namespace) -> int:
    with connect() as conn, working(f"relinking {args.session_id}"):
        row = conn.execute(queries.RELINK_SESSION, {"session_id": args.session_id}).fetchone()
    assert row is not None
    show({"result": [row]}, args.json)
    return EXIT_OK if row["link_status"] == "completed" else EXIT_JOB_FAILED


def cmd_amend(args: argparse.Namespace) -> int:
    with connect() as conn, working(f"amending and relinking {args.session_id}"):
        row = conn.execute(queries.AMEND_SESSION, {"session_id": args.session_id, "end_time": args.end_time,
                                                   "clock_offset_info": args.clock_offset_info}).fetchone()
    assert row is not None
    show({"result": [row]}, args.json)
    return EXIT_OK if row["link_status"] == "completed" else EXIT_JOB_FAILED


def cmd_unplaced(args: argparse.Namespace) -> int:
    with connect() as conn:
        rows = conn.execute(queries.UNPLACED_CHUNKS, {"user_id": args.user}).fetchall()
    show({"unplaced": rows[: args.limit]}, args.json)
    if len(rows) > args.limit:
        print(f"... {len(rows) - args.limit} more", file=sys.stderr)
    return EXIT_OK


def cmd_unexpire(args: argparse.Namespace) -> int:
    with connect() as conn:
        row = conn.execute(queries.UNEXPIRE, {"user_id": args.user}).fetchone()
    show({"unexpired": [row]}, args.json)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    with connect() as conn:
        rows = conn.execute(queries.DOCTOR, {"hours": args.hours, "max_queue_age": args.max_queue_age,
                                             "max_dead_tuples": args.max_dead_tuples}).fetchall()
        differences = conn.execute(queries.VERIFY_DERIVED, {"user_id": args.user}).fetchall() if args.verify else []
    show({"doctor": rows, **({"verify": differences} if args.verify else {})}, args.json)
    healthy = all(r["status"] == "ok" for r in rows) and not differences
    return EXIT_OK if healthy else EXIT_JOB_FAILED


def cmd_purge_archive(args: argparse.Namespace) -> int:
    with connect() as conn:
        rows = conn.execute(queries.PURGE_ARCHIVE, {"older_than": args.older_than}).fetchall()
    show({"purged": rows}, args.json)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    try:
        from datalinker.timeline import render  # matplotlib loads only for this command
    except ImportError as exc:
        log.error("timeline needs matplotlib (pip install 'datalinker[plot]'): %s", exc)
        return EXIT_USAGE

    with connect() as conn:
        rows = conn.execute(queries.USER_TIMELINE, {"user_id": args.user_id, "from": args.time_from,
                                                    "to": args.time_to}).fetchall()
    if not rows:  # a typo in the user id must not look like an empty day
        log.error("user %r has no sessions or chunks in that window; nothing drawn", args.user_id)
        return EXIT_REJECTED
    drawn = render(rows, args.user_id, args.output)
    counts = {kind: sum(r["kind"] == kind for r in rows) for kind in ("session", "chunk", "unplaced")}
    print(f"wrote {args.output}: {counts['session']} session(s), {counts['chunk']} chunk(s) with UTC times,"
          f" {counts['unplaced']} unplaced chunk(s); {drawn} element(s) drawn")
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    """docs/sql-api.md and the tunables tables from a freshly migrated throwaway database's catalogue."""
    from datalinker import apidoc, dbadmin

    with dbadmin.server() as admin, dbadmin.throwaway_database(admin, prefix="datalinker_docs") as conninfo:
        migrate(conninfo)
        with psycopg.connect(conninfo, row_factory=dict_row) as conn:
            changed = apidoc.stale(conn, args.root) if args.check else apidoc.write(conn, args.root)
    for path in changed:
        print(f"{'differs from the catalogue' if args.check else 'wrote'}: {path}")
    return EXIT_JOB_FAILED if args.check and changed else EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    """Become the worker (`python -m worker`): the dependency runs one way, worker.py → this package."""
    verbose = ["--log-level", "debug"] if args.verbose else []
    os.execv(sys.executable, [sys.executable, "-m", "worker", *verbose, *args.worker_args])


def cmd_demo(args: argparse.Namespace) -> int:
    from datalinker.demo import run_demo

    return run_demo(users=args.users, main_minutes=args.minutes, concurrency=args.concurrency,
                    amqp_url=args.amqp_url if args.amqp else None)


def bounded(option: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in low..high; errors name the option and the value."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{option} {text!r} is not a whole number") from exc
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{option} {value} is outside {low}..{high}")
        return value
    return parse


limit = bounded("--limit", 1, 1_000_000)  # a positive count that fits the SQL API's integer


def aware(field: str) -> Callable[[str], datetime]:
    """An ISO 8601 time with an explicit zone; a zone-less time would be read in some session's TimeZone."""
    def parse(text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{field} {text!r} is not an ISO 8601 time: {exc}") from exc
        if value.tzinfo is None:
            raise argparse.ArgumentTypeError(f"{field} {text!r} has no time zone; add Z or +hh:mm")
        return value
    return parse


aware_time = aware("end_time")
AGE_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def age(text: str) -> timedelta:
    """A retention age such as 30d, 12h or 90m."""
    number, unit = text[:-1], text[-1:]
    if unit not in AGE_UNITS or not number.isdigit() or int(number) == 0:
        raise argparse.ArgumentTypeError(f"--older-than {text!r} is not an age like 30d, 12h or 90m")
    return timedelta(**{AGE_UNITS[unit]: int(number)})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="datalinker", description="Link sensor chunks to sessions in PostgreSQL."
                                     " Connects with DATABASE_URL, else the libpq PG* variables.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--json", action="store_true", help="print results as JSON (for scripts) instead of tables")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="apply migrations, re-create functions (with --cluster: every shard and the proxy)")
    p.add_argument("--cluster", type=Path, default=None, help="a cluster definition (TOML): a PL/Proxy proxy and shards")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("move-partition", help="move one PL/Proxy partition's users to another shard (re-runnable)")
    p.add_argument("--cluster", type=Path, required=True, help="the cluster definition (TOML)")
    p.add_argument("partition", type=int)
    p.add_argument("shard", type=int, help="index of the target shard in the cluster definition")
    p.set_defaults(func=cmd_move_partition)
    p = sub.add_parser("link", help="run link_session for one session now and print the result row")
    p.add_argument("session_id")
    p.set_defaults(func=cmd_link)
    p = sub.add_parser("relink", help="undo what the linker wrote for a session and place again (after a fix)")
    p.add_argument("session_id")
    p.set_defaults(func=cmd_relink)
    p = sub.add_parser("amend", help="correct an ended session's end time and/or clock info, then relink it")
    p.add_argument("session_id")
    p.add_argument("--end-time", type=aware_time, default=None, help="ISO 8601 with time zone")
    p.add_argument("--clock-offset-info", default=None, help='JSON, e.g. {"offset_ms_avg": -1712345678901.25}')
    p.set_defaults(func=cmd_amend)
    p = sub.add_parser("unplaced", help="unlinked device-time chunks and why: waiting, ambiguous, no clock, ...")
    p.add_argument("--user", default=None, help="only this user")
    p.add_argument("--limit", type=limit, default=200, help="rows to print (default 200)")
    p.set_defaults(func=cmd_unplaced)
    p = sub.add_parser("unexpire", help="bring expired chunks (waited past the upload window) back and queue their placement")
    p.add_argument("--user", help="only this user's (default: every user's)")
    p.set_defaults(func=cmd_unexpire)
    p = sub.add_parser("end-session", help="end a session and queue its link job (one transaction)")
    p.add_argument("session_id")
    p.add_argument("end_time", nargs="?", type=aware_time, default=None,
                   help="ISO 8601 with time zone (default: now)")
    p.set_defaults(func=cmd_end_session)
    p = sub.add_parser("enqueue", help="queue a link job for an ended session")
    p.add_argument("session_id")
    p.set_defaults(func=cmd_enqueue)
    p = sub.add_parser("requeue-dead", help="move dead letters back to data_linker_queue after a fix")
    p.add_argument("--limit", type=limit, default=1000, help="at most this many (1 to 1,000,000; default 1000)")
    p.set_defaults(func=cmd_requeue_dead)
    p = sub.add_parser("status", help="sessions per link_status, queue depths and ages, unlinked chunks per reason;"
                                      " with SESSION_ID: that session and its clock pieces")
    p.add_argument("session_id", nargs="?", default=None)
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("doctor", help="health checks: old unlinked chunks, stuck/failed sessions, dead letters, queue age")
    p.add_argument("--hours", type=int, default=24, help="unlinked chunks older than this are reported (default 24)")
    p.add_argument("--max-queue-age", type=int, default=600, help="oldest queued job allowed, seconds (default 600)")
    p.add_argument("--max-dead-tuples", type=int, default=100_000,
                   help="dead tuples allowed in a pgmq queue table before warning (default 100000)")
    p.add_argument("--verify", action="store_true",
                   help="also rebuild the stored derived data (session clocks, placements) and list every difference")
    p.add_argument("--user", default=None, help="with --verify: only this user's")
    p.set_defaults(func=cmd_doctor)
    p = sub.add_parser("purge-archive", help="delete archived queue messages older than an age (retention)")
    p.add_argument("--older-than", type=age, required=True, help="e.g. 30d, 12h (at least 1 hour)")
    p.set_defaults(func=cmd_purge_archive)
    p = sub.add_parser("timeline", help="draw one user's sessions and chunks on a UTC axis into a PNG")
    p.add_argument("user_id")
    p.add_argument("--from", dest="time_from", type=aware("--from"), default=None, help="ISO 8601 with time zone")
    p.add_argument("--to", dest="time_to", type=aware("--to"), default=None, help="ISO 8601 with time zone")
    p.add_argument("-o", "--output", type=Path, default=Path("timeline.png"), help="PNG file (default timeline.png)")
    p.set_defaults(func=cmd_timeline)
    p = sub.add_parser("docs", help="write docs/sql-api.md and the tunables tables from the database's catalogue")
    p.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout (default: the current directory)")
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("worker", add_help=False,
                       help="run the worker daemon, worker.py (SIGTERM/SIGINT: finish the job, exit 0);"
                            " `datalinker worker --help` lists its options")
    p.set_defaults(func=cmd_worker)  # its options are the worker's own: passed through unparsed
    p = sub.add_parser("amqp-bridge", help="carry jobs from RabbitMQ data_linker_queue into pgmq and announcements"
                                           " from pgmq event_correction_queue out to RabbitMQ (SIGTERM: exit 0)")
    from datalinker import amqp

    amqp.add_arguments(p)
    p.set_defaults(func=amqp.run_from_args)
    p = sub.add_parser("demo", help="end-to-end demo on a throwaway database")
    p.add_argument("--users", type=int, default=4)
    p.add_argument("--minutes", type=float, default=80, help="main session length (default 80: counters wrap)")
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--amqp", action="store_true", help="the platform's round trip: jobs published to RabbitMQ, carried"
                                                       " in and the announcements out by the AMQP bridge")
    p.add_argument("--amqp-url", default=os.environ.get("DATALINKER_AMQP_URL", amqp.DEFAULT_AMQP_URL))
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "worker":
        args.worker_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.command == "demo":
        logging.getLogger("yoyo").setLevel(logging.WARNING)
    try:
        return int(args.func(args))
    except psycopg.OperationalError as exc:
        log.error("database unavailable: %s", str(exc).strip())
        return EXIT_DB_UNAVAILABLE
    except psycopg.Error as exc:
        log.error("rejected (SQLSTATE %s): %s", exc.sqlstate, exc.diag.message_primary or exc)
        return EXIT_REJECTED
    except (ValueError, OSError) as exc:  # a cluster definition that is missing or wrong
        log.error("%s", exc)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
