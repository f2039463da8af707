"""The bridge serves its own metrics beside the worker's, and the Grafana dashboard names only served metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
from prometheus_client.parser import text_string_to_metric_families

from tests.amqp.rabbit import Names, bridge, publish
from tests.amqp.test_bridge import ended_sessions, jobs
from tests.worker.test_operations import free_port, get, scrape
from tests.workers import background_worker, wait_until

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = re.compile(r"_(total|bucket|sum|count|created)$")


def served(port: int) -> set[str]:
    return {f.name for f in text_string_to_metric_families(get(f"http://127.0.0.1:{port}/metrics")[1])}


def test_the_bridge_counts_messages_in_and_out_and_the_dashboard_names_only_served_metrics(
        db: str, db_env: dict[str, str], conn: psycopg.Connection, names: Names) -> None:
    ids = ended_sessions(conn, 3)
    publish(names.in_queue, jobs(ids) + [("bad", b"[]")])
    bridge_port, worker_port = free_port(), free_port()
    with bridge(db_env, names, "--metrics-port", str(bridge_port)), \
            background_worker(db, metrics_port=worker_port, metrics_addr="127.0.0.1"):
        wait_until(lambda: scrape(bridge_port).get(("datalinker_bridge_messages_total",
                                                    (("direction", "out"), ("outcome", "published")))) == 3,
                   what="three announcements published")
        figures = scrape(bridge_port)
        assert figures[("datalinker_bridge_messages_total", (("direction", "in"), ("outcome", "queued")))] == 3
        assert figures[("datalinker_bridge_messages_total", (("direction", "in"), ("outcome", "refused")))] == 1
        assert figures[("datalinker_bridge_dead_lettered_total", ())] == 1
        assert figures[("datalinker_bridge_up", ())] == 1
        assert get(f"http://127.0.0.1:{bridge_port}/healthz")[0] == 200
        exported = served(bridge_port) | served(worker_port)
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "datalinker.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {SUFFIXES.sub("", m) for e in expressions for m in re.findall(r"\bdatalinker_\w+", e)}
    assert used - exported == set(), "the dashboard names metrics nobody serves"
    titles = " ".join(p["title"].lower() for p in dashboard["panels"])
    for topic in ("queue depth", "age", "jobs per second", "failures", "placement", "unplaced", "amqp bridge"):
        assert topic in titles, f"no panel for {topic}"
