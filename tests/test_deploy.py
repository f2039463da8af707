"""The deployment recipes in deploy/ start the worker with options it accepts and copy files that exist."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import worker

ROOT = Path(__file__).resolve().parents[1]


def worker_options(command: list[str]) -> list[str]:
    return command[command.index(next(c for c in command if c.endswith(("worker.py", "worker")))) + 1:]


def parses(options: list[str]) -> bool:
    import argparse

    parser = argparse.ArgumentParser()
    worker.add_arguments(parser)
    args = parser.parse_args(options)
    return args.metrics_port is not None and args.log_format == "json"


def test_the_systemd_unit_runs_worker_py_with_valid_options() -> None:
    unit = (ROOT / "deploy" / "datalinker-worker@.service").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M)
    assert exec_start is not None
    assert parses(worker_options(shlex.split(exec_start.group(1).replace("%i", "1"))))
    assert re.search(r"^KillSignal=SIGTERM$", unit, re.M) and re.search(r"^Restart=on-failure$", unit, re.M)


def test_the_container_recipe_installs_the_wheel_and_runs_the_worker_with_valid_options() -> None:
    recipe = (ROOT / "deploy" / "Containerfile").read_text()
    for line in re.findall(r"^COPY (?!--from)(.+)$", recipe, re.M):
        sources = line.split()[:-1]
        assert all((ROOT / s).exists() for s in sources), line
    assert re.search(r"python -m build --wheel", recipe) and re.search(r"pip install --no-cache-dir /tmp/\*\.whl", recipe)
    assert "pip install --no-cache-dir -e" not in recipe, "the image runs the wheel (it carries sql/ and migrations/), not an editable checkout"
    entrypoint = re.search(r"^ENTRYPOINT (\[.+\])$", recipe, re.M)
    assert entrypoint is not None
    assert parses(worker_options(json.loads(entrypoint.group(1))))
