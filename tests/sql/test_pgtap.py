"""Runs the pgTAP suite (tests/pgtap/*.sql) with pg_prove, as a DBA would without Python; its TAP results decide."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

PGTAP_DIR = Path(__file__).resolve().parents[1] / "pgtap"


@dataclass
class Tap:
    passed: list[str]
    failed: list[str]
    total: int  # pg_prove's own count ("Files=…, Tests=N")
    ok: bool  # pg_prove's "Result: PASS" and exit code 0
    output: str


def prove(db: str, files: list[Path]) -> Tap:
    """pg_prove --verbose over files against db; every TAP line is collected."""
    assert shutil.which("pg_prove"), "pg_prove missing: .ci/setup installs libtap-parser-sourcehandler-pgtap-perl"
    params = conninfo_to_dict(db)
    args = ["pg_prove", "--verbose", "--dbname", str(params.get("dbname"))]
    for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
        if params.get(key):
            args += [flag, str(params[key])]
    run = subprocess.run(args + [str(f) for f in files], capture_output=True, text=True, timeout=300)
    total = re.search(r"^Files=\d+, Tests=(\d+)", run.stdout, re.M)
    return Tap(passed=re.findall(r"^ok \d+ - (.*)$", run.stdout, re.M),
               failed=re.findall(r"^not ok \d+ - (.*)$", run.stdout, re.M),
               total=int(total.group(1)) if total else -1,
               ok=run.returncode == 0 and "Result: PASS" in run.stdout, output=run.stdout[-4000:] + run.stderr[-2000:])


def planned(path: Path) -> int:
    match = re.search(r"SELECT plan\((\d+)\)", path.read_text())
    assert match, f"{path.name} declares no plan"
    return int(match.group(1))


def test_pgtap_suite_passes_every_planned_test(conn: psycopg.Connection, db: str) -> None:
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
    files = sorted(PGTAP_DIR.glob("*.sql"))
    tap = prove(db, files)
    assert tap.failed == [], tap.output
    assert len(tap.passed) == tap.total == sum(planned(f) for f in files), tap.output
    assert tap.ok, tap.output


def test_a_failing_assertion_fails_the_run(conn: psycopg.Connection, db: str, tmp_path: Path) -> None:
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
    broken = tmp_path / "broken.sql"
    broken.write_text("BEGIN;\nSELECT plan(2);\nSELECT is(datalinker.wrap_us(-1), 4294967295::bigint, 'wraps');\n"
                      "SELECT is(datalinker.wrap_us(-1), 0::bigint, 'deliberately wrong');\n"
                      "SELECT * FROM finish();\nROLLBACK;\n")
    tap = prove(db, [broken])
    assert (tap.passed, tap.failed, tap.total, tap.ok) == (["wraps"], ["deliberately wrong"], 2, False)


@pytest.mark.parametrize("path", sorted(PGTAP_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_pgtap_files_roll_back_what_they_do(path: Path) -> None:
    text = path.read_text()
    assert text.lstrip("-").splitlines()[0] and "BEGIN;" in text and text.rstrip().endswith("ROLLBACK;")
