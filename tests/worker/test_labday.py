"""The outcome contract (DESIGN §2) on a simulated lab day, replayed in time order through end_session and
the real worker: every chunk linked to its true session at its exact time, or unlinked with a reason."""

from __future__ import annotations

from collections import Counter

import psycopg
import pytest

from tests.labday import TableStore, describe, judge, lab_day, replay
from tests.workers import drain


def test_lab_day_replayed_in_time_order_ends_right_for_every_chunk(
        db: str, conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    day = lab_day()
    replay(TableStore(conn), day, lambda: drain(db))
    verdict = judge(conn, day)
    with capsys.disabled():
        print("\nlab day:", verdict.line(), *describe(verdict), sep="\n  ")
    assert verdict.wrong == [], "never a wrong session or time"
    assert verdict.counts["MISSED"] == 0, "every unambiguous in-session chunk is linked"
    assert verdict.counts["ambiguous, not reported"] == 0, "the ambiguous pair is reported with both sessions"
    truth = Counter("ambiguous, reported" if c.object_id in day.ambiguous else
                    "gap, decided" if c.true_session is None else "linked right" for c in day.chunks)
    assert dict(verdict.counts) == dict(truth), "exactly: every in-session chunk linked, every gap chunk not"
