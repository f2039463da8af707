"""Real clocks (DESIGN §2, issue 20): LabRecorder recordings of real devices link within 1 ms of pyxdf, or not at all.

Each stream of shared/data/xdf is one user with one session (tests/xdf.py gives the mapping); its chunks
arrive live, the session ends, link_session runs. Judged per chunk against pyxdf's synchronised times:
right (linked to its session, start and end within 1 ms), unlinked with a reason, or wrong (never).
"""

from __future__ import annotations

import psycopg
import pytest

from tests.fuzzcount import CASES
from tests.helpers import add_session, link
from tests.reference import epoch_us
from tests.xdf import FILES, XDF_DIR, Stream, load
from datalinker import builders

pytestmark = pytest.mark.skipif(not XDF_DIR.is_dir(), reason=f"the real recordings are not here: {XDF_DIR} is absent")
pyxdf = pytest.importorskip("pyxdf", reason="pyxdf (test extra) is needed to read the real recordings")

TOLERANCE_US = 1000


def replay(conn: psycopg.Connection, stream: Stream) -> None:
    """The stream's session (running), its chunks uploaded live, then the session ends and is linked."""
    add_session(conn, stream.name, stream.name, stream.start, None,
                clock_offset_info={"measurements": stream.measurements})
    builders.insert_chunks(conn, [builders.tick_chunk(c.object_id, stream.name, c.start_tick, c.end_tick, c.received_at,
                                                      stream.data_type) for c in stream.chunks])
    conn.execute("UPDATE public.sessions SET end_time = %s WHERE session_id = %s", [stream.end, stream.name])
    link(conn, stream.name)


def judge(conn: psycopg.Connection, stream: Stream) -> dict[str, object]:
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects WHERE user_id = %s",
        [stream.name]).fetchall()}
    reasons = dict(conn.execute("SELECT object_id, reason FROM datalinker.unplaced_chunks(%s)", [stream.name]).fetchall())
    right = wrong = 0
    worst = 0
    unlinked: dict[str, int] = {}
    wrong_ids = []
    for c in stream.chunks:
        session_id, start, end = rows[c.object_id]
        if session_id is None:
            reason = reasons.get(c.object_id, "NO REASON")
            unlinked[reason] = unlinked.get(reason, 0) + 1
            continue
        error = max(abs(epoch_us(start) - epoch_us(c.true_start)), abs(epoch_us(end) - epoch_us(c.true_end)))
        if session_id == stream.name and error <= TOLERANCE_US and not c.stray:  # a stray chunk never links
            right += 1
            worst = max(worst, error)
        else:
            wrong += 1
            wrong_ids.append((c.object_id, session_id, error))
    return {"chunks": len(stream.chunks), "right": right, "wrong": wrong, "unlinked": unlinked,
            "worst_us": worst, "wrong_ids": wrong_ids[:5],
            "stray": sum(c.stray for c in stream.chunks)}


@pytest.mark.parametrize("file", FILES)
def test_every_stream_of_a_real_recording_links_within_1_ms_of_pyxdf(conn: psycopg.Connection, file: str) -> None:
    problems = []
    for stream in load(file):
        replay(conn, stream)
        figures = judge(conn, stream)
        status = conn.execute("SELECT link_status, link_error FROM public.sessions WHERE session_id = %s",
                              [stream.name]).fetchone()
        print(f"{stream.name}: {figures} {status}")
        placeable = int(figures["chunks"]) - int(figures["stray"])  # type: ignore[call-overload]
        CASES[f"real recording {stream.name}: of {placeable} chunks (+{figures['stray']} stray) linked right, "
              f"worst {figures['worst_us']} µs"] = int(figures["right"])  # type: ignore[call-overload]
        if figures["wrong"]:
            problems.append(f"{stream.name}: linked wrong {figures}")
        if "NO REASON" in figures["unlinked"]:  # type: ignore[operator]
            problems.append(f"{stream.name}: unlinked without a reason {figures}")
        if int(figures["right"]) < 0.99 * placeable:  # type: ignore[call-overload]
            problems.append(f"{stream.name}: fewer than 99 % linked {figures} {status}")
    assert not problems, "\n".join(problems)
