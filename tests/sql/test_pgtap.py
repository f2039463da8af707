"""Runs the pgTAP suite (tests/pgtap/*.sql) with pg_prove, as a DBA would without Python."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

PGTAP_DIR = Path(__file__).resolve().parents[1] / "pgtap"


def test_pgtap_suite_passes(conn: psycopg.Connection, db: str) -> None:
    assert shutil.which("pg_prove"), "pg_prove missing: .ci/setup installs libtap-parser-sourcehandler-pgtap-perl"
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
    params = conninfo_to_dict(db)
    args = ["pg_prove", "--verbose", "--dbname", str(params.get("dbname"))]
    for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
        if params.get(key):
            args += [flag, str(params[key])]
    files = sorted(str(p) for p in PGTAP_DIR.glob("*.sql"))
    assert len(files) >= 4
    result = subprocess.run(args + files, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "All tests successful" in result.stdout


@pytest.mark.parametrize("path", sorted(PGTAP_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_pgtap_files_roll_back_what_they_do(path: Path) -> None:
    text = path.read_text()
    assert text.lstrip("-").splitlines()[0] and "BEGIN;" in text and text.rstrip().endswith("ROLLBACK;")
