"""The catalogue is the reference: docs/sql-api.md and the tunables tables are what `datalinker docs` writes from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from datalinker import apidoc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue(db: str) -> psycopg.Connection:
    with psycopg.connect(db, row_factory=dict_row, autocommit=True) as conn:
        yield conn


def test_committed_docs_are_what_the_catalogue_writes(catalogue: psycopg.Connection) -> None:
    """Run `datalinker docs` after changing a COMMENT, a signature, a grant or a setting."""
    assert [str(p.relative_to(ROOT)) for p in apidoc.stale(catalogue, ROOT)] == []


def test_a_comment_changed_in_one_place_only_is_caught(catalogue: psycopg.Connection) -> None:
    catalogue.execute("COMMENT ON FUNCTION datalinker.is_transient(text) IS 'true for classes 40 and 53 only'")
    assert apidoc.stale(catalogue, ROOT) == [ROOT / apidoc.API_DOC]


def test_a_changed_grant_or_setting_is_caught(catalogue: psycopg.Connection) -> None:
    catalogue.execute("GRANT EXECUTE ON FUNCTION datalinker.relink_session(text) TO datalinker_worker")
    assert apidoc.stale(catalogue, ROOT) == [ROOT / apidoc.API_DOC]
    catalogue.execute("UPDATE datalinker.settings SET value = 90000000 WHERE name = 'skew_us'")
    assert sorted(apidoc.stale(catalogue, ROOT)) == sorted(ROOT / p for p in (apidoc.API_DOC, *apidoc.TUNABLE_DOCS))


def test_every_function_has_a_contract_and_every_public_one_an_example(catalogue: psycopg.Connection) -> None:
    rows = catalogue.execute(apidoc.FUNCTIONS).fetchall()
    assert [r["name"] for r in rows if not r["comment"].strip()] == []
    callable_by_roles = [r["name"] for r in rows if r["callers"] and "Example: `" not in r["comment"]]
    assert callable_by_roles == []
    signature_in_comment = [r["name"] for r in rows if re.match(rf"{r['name']}\(", r["comment"])]
    assert signature_in_comment == [], "the signature is the catalogue's; a comment repeats it only to drift"


def test_every_sqlstate_raised_is_explained_and_every_one_explained_is_raised(catalogue: psycopg.Connection) -> None:
    bodies = " ".join(r["body"] for r in catalogue.execute(apidoc.FUNCTIONS).fetchall())
    proxy = " ".join(p.read_text() for p in (ROOT / "sql" / "proxy").glob("*.sql"))
    raised = {apidoc.CONDITIONS.get(c, c) for c in re.findall(r"ERRCODE\s*=\s*'(\w+)'", bodies + proxy)}
    explained = {r["sqlstate"] for r in catalogue.execute(apidoc.ERROR_CODES).fetchall()}
    assert raised == explained
    for prefix in ("DL009", "DL010"):  # message prefixes of standard SQLSTATEs
        assert prefix in bodies + proxy


def test_the_transient_list_is_written_once(catalogue: psycopg.Connection) -> None:
    """is_transient's comment names exactly the classes it answers true for; no other doc repeats the list."""
    comment = catalogue.execute("SELECT obj_description('datalinker.is_transient(text)'::regprocedure) AS c").fetchone()
    named = set(re.findall(r"\b(\d\d)\b \(", comment["c"])) | set(re.findall(r"`(55P03)`", comment["c"]))
    truly = {code for code in ("08", "22", "23", "40", "42", "53", "55", "57", "P0", "XX", "55P03")
             if catalogue.execute("SELECT datalinker.is_transient(%s || '000') OR datalinker.is_transient(%s) AS t",
                                  [code, code]).fetchone()["t"]}
    assert named == truly == {"08", "40", "53", "57", "55P03"}
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    repeating = [p.name for p in docs if p.name != "sql-api.md" and re.search(r"40, 53, 57|classes 40", p.read_text())]
    assert repeating == []


def test_the_docs_command_checks_and_exits_1_on_a_stale_file(tmp_path: Path, db_env: dict[str, str]) -> None:
    for rel in (apidoc.API_DOC, *apidoc.TUNABLE_DOCS):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text((ROOT / rel).read_text())
    run = [sys.executable, "-m", "datalinker.cli", "docs", "--check", "--root", str(tmp_path)]
    assert subprocess.run(run, env=db_env, capture_output=True, text=True).returncode == 0
    (tmp_path / apidoc.API_DOC).write_text((ROOT / apidoc.API_DOC).read_text().replace("`DL001`", "`DL011`", 1))
    stale = subprocess.run(run, env=db_env, capture_output=True, text=True)
    assert stale.returncode == 1 and "sql-api.md" in stale.stdout
