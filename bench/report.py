"""The benchmark's output: markdown tables of the figures with their targets."""

from __future__ import annotations

Row = tuple[str, float | str, str]


def rows(r: dict[str, float]) -> list[Row]:
    return [
        ("link_session, one 60-min session (ms)", r["link_session_ms"], ""),
        ("bare UPDATE of the same rows, precomputed (ms)", r["bare_update_ms"], ""),
        ("link_session / bare UPDATE", r["link_session_ms"] / r["bare_update_ms"], "<= 1.5"),
        ("naive peer: fetch, compute in Python, UPDATE row by row (ms)", r["naive_peer_ms"], ""),
        ("naive peer / link_session", r["naive_peer_ms"] / r["link_session_ms"], ">= 25"),
        ("link_session with 10x background rows (ms)", r["link_session_ms_10x"], ""),
        ("10x / 1x latency", r["link_session_ms_10x"] / r["link_session_ms"], "<= 1.3"),
        ("buffered 60-min session uploaded 3 days late: link_session (ms)", r["buffered_link_ms"], ""),
        ("buffered / live link_session", r["buffered_link_ms"] / r["link_session_ms"], "<= 2.0"),
        ("buffered session with 10x background rows (ms)", r["buffered_link_ms_10x"], ""),
        ("10x / 1x, buffered", r["buffered_link_ms_10x"] / r["buffered_link_ms"], "<= 1.3"),
        ("link_session, same session, 60 noisy sync measurements + a reset (ms)", r["noisy_clock_link_ms"], ""),
        ("noisy clock / offset_ms_avg only", r["noisy_clock_link_ms"] / r["link_session_ms"], "<= 2.0"),
        ("chunks linked with the noisy clock / per session",
         f"{int(r['noisy_clock_linked']):,} / {int(r['chunks_per_session']):,}", "equal"),
        ("fitting 10,000 sync measurements (ms)", r["fit_10000_ms"], "< 1000"),
    ] + lab_day_rows(r) + [
        ("direct link_session calls, small sessions (sessions/s)", r["direct_sessions_per_s"], ""),
        ("pipeline, 1 worker --batch 1, small sessions (sessions/s)", r["worker1_batch1_sessions_per_s"], ""),
        ("pipeline, 1 worker --batch 10, small sessions (sessions/s)", r["worker1_sessions_per_s"], ""),
        ("pipeline, 2 workers --batch 10, small sessions (sessions/s)", r["worker2_sessions_per_s"], ">= 200"),
        ("1 worker --batch 1 / direct", r["worker1_batch1_sessions_per_s"] / r["direct_sessions_per_s"], ""),
        ("1 worker / direct", r["worker1_sessions_per_s"] / r["direct_sessions_per_s"], ">= 0.9"),
        ("2 workers / 1 worker, small sessions", r["worker2_sessions_per_s"] / r["worker1_sessions_per_s"], ">= 1.6"),
        ("direct link_session calls, 60-min sessions (sessions/s)", r["direct_60min_sessions_per_s"], ""),
        ("pipeline, 1 worker --batch 1, 60-min sessions (sessions/s)", r["worker1_batch1_60min_sessions_per_s"], ""),
        ("pipeline, 1 worker --batch 10, 60-min sessions (sessions/s)", r["worker1_60min_sessions_per_s"], ""),
        ("pipeline, 2 workers --batch 10, 60-min sessions (sessions/s)", r["worker2_60min_sessions_per_s"], ""),
        ("1 worker / direct, 60-min sessions", r["worker1_60min_sessions_per_s"] / r["direct_60min_sessions_per_s"],
         ">= 0.9"),
        ("worker RSS after 10 % of the jobs (MB)", r["worker_rss_mb_start"], ""),
        (f"worker RSS after {int(r['rss_jobs']):,} jobs (MB)", r["worker_rss_mb_end"], "flat"),
        ("rows in raw_data_objects (1x / 10x)", f"{int(r['rows_total']):,} / {int(r['rows_total_10x']):,}", ""),
        ("chunks per 60-min session", r["chunks_per_session"], ""),
    ] + history_rows(r)


def lab_day_rows(r: dict[str, float]) -> list[Row]:
    """The lab day placed against two bare writes of its rows. Issue 21's yardstick, "a bare UPDATE of the same
    rows", is the placement's own UPDATE given its answers: the same rows from pending to placed with the same
    values, nothing decided (the write a placement has to make). Kept for reference, without a target: a rewrite
    of the linked rows with the values they already hold (no key changes, so no foreign-key check and HOT where a
    page has room: a write no placement can make)."""
    head: list[Row] = [
        ("lab day: users / sessions / chunks",
         f"{int(r['lab_day_users'])} / {int(r['lab_day_sessions'])} / {int(r['lab_day_chunks']):,}", ""),
        ("lab day: time to place everything, session by session (s, median)", r["lab_day_s"], ""),
        ("lab day: chunks placed per second", r["lab_day_chunks_per_s"], ""),
        ("lab day: chunks placed / chunks", r["lab_day_placed"] / r["lab_day_chunks"], "1.0"),
    ]
    own = compared_write(r, "lab day: the placement's own UPDATE given its answers, same rows and values (s, median)",
                         r["lab_day_write_s"],
                         "lab day: placement rate / its own UPDATE's (a bare UPDATE of the same rows)",
                         r["lab_day_write_s"] / r["lab_day_s"], "write_ratio", ">= 0.5")
    no_op = compared_write(r, "lab day, for reference: a no-op rewrite of the linked rows in place (chunks/s)",
                           r["lab_day_bare_update_per_s"],
                           "lab day, for reference: placement rate / that in-place rewrite",
                           r["lab_day_chunks_per_s"] / r["lab_day_bare_update_per_s"], "ratio", "")
    return head + own + no_op

def compared_write(r: dict[str, float], write_name: str, write: float, ratio_name: str, ratio: float, key: str,
                   target: str) -> list[Row]:
    """A bare write the lab day is compared with: its figure, the median ratio, and the lowest / highest ratio of
    the side-by-side pairs (lab_day_<key>_min / _max)."""
    return [(write_name, write, ""), (ratio_name, ratio, target),
            (f"lab day: that ratio, lowest / highest of the {int(r['lab_day_repeats'])} side-by-side pairs",
             f"{r[f'lab_day_{key}_min']:.2f} / {r[f'lab_day_{key}_max']:.2f}", "")]


def history_rows(r: dict[str, float]) -> list[Row]:
    """Issue 21: the same day measured for a user with `days` of history and for a fresh one (same run)."""
    out: list[Row] = []
    for days in sorted(int(k[7:-11]) for k in r if k.startswith("history") and k.endswith("_old_link_s")):
        def old(k: str) -> float:
            return r[f"history{days}_old_{k}"]

        def new(k: str) -> float:
            return r[f"history{days}_fresh_{k}"]

        out += [(f"after {days} d of 8-h wear: link_session old / fresh (s)", f"{old('link_s'):.3f} / {new('link_s'):.3f}", ""),
                (f"after {days} d: link old / fresh", old("link_s") / new("link_s"), "<= 1.2"),
                (f"after {days} d: server CPU per link, old / fresh (ms)",
                 f"{old('link_cpu_s') * 1000:.0f} / {new('link_cpu_s') * 1000:.0f}", ""),
                (f"after {days} d: server CPU per link old / fresh", old("link_cpu_s") / new("link_cpu_s"), ""),
                (f"after {days} d: one upload + its placement pass, old / fresh (ms)",
                 f"{old('pass_s') * 1000:.1f} / {new('pass_s') * 1000:.1f}", "old <= 10"),
                (f"after {days} d: pass old / fresh", old("pass_s") / new("pass_s"), "<= 1.5"),
                (f"after {days} d: server CPU per upload + pass, old / fresh (ms)",
                 f"{old('cpu_s') * 1000:.1f} / {new('cpu_s') * 1000:.1f}", "")]
        out += [(f"after {days} d: buffer blocks touched, link old / fresh", old("link_blocks") / new("link_blocks"), ""),
                (f"after {days} d: buffer blocks touched, pass old / fresh", old("pass_blocks") / new("pass_blocks"), "")]
    return out


def table(r: dict[str, float], partial: bool = False) -> str:
    """The figures as a markdown table; `partial`: only the lab day's and history's (bench --only)."""
    lines = ["| measure | value | target |", "|---|---:|---|"]
    shown_rows = rows(r) if not partial else (lab_day_rows(r) if "lab_day_s" in r else []) + history_rows(r)
    for name, value, target in shown_rows:
        shown = value if isinstance(value, str) else f"{value:,.2f}"
        lines.append(f"| {name} | {shown} | {target} |")
    return "\n".join(lines)


def scan_table(scan: dict[str, float], max_workers: int) -> str:
    lines = ["| workers | small sessions/s (60 chunks) | 15-min sessions/s (1,800 chunks) |", "|---:|---:|---:|"]
    for n in range(1, max_workers + 1):
        lines.append(f"| {n} | {scan[f'workers{n}_small_sessions_per_s']:,.0f}"
                     f" | {scan[f'workers{n}_15min_sessions_per_s']:,.1f} |")
    return "\n".join(lines)
