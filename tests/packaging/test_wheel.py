"""The wheel is the product (issue 23): built from the checkout, installed into a fresh virtualenv outside it,
it migrates an empty database and links a session through the installed CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from datalinker import dbadmin
from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """bin/ of a fresh virtualenv (in a temporary folder, not the checkout) with the built wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(base / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = (base / "dist").glob("datalinker-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=120)
    pip = subprocess.run([str(base / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                         capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr
    yield base / "venv" / "bin"


def run(bin_dir: Path, database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["DATABASE_URL"] = " ".join(f"{k}={v}" for k, v in conninfo_to_dict(database).items())
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    return subprocess.run([str(bin_dir / "datalinker"), *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=bin_dir.parent.parent)  # outside the checkout


def test_the_installed_wheel_migrates_an_empty_database_and_links_a_session(installed: Path, admin_conninfo: str) -> None:
    with dbadmin.throwaway_database(admin_conninfo, prefix="datalinker_wheel") as database:
        migrated = run(installed, database, "migrate")
        assert migrated.returncode == 0, migrated.stderr
        versions = len(list((ROOT / "migrations").glob("[0-9][0-9][0-9][0-9]_*")))
        assert f"migrated: {versions} new migration(s)" in migrated.stdout
        with psycopg.connect(database, autocommit=True) as conn:
            functions = conn.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'datalinker'::regnamespace").fetchone()
            assert functions is not None and functions[0] > 50, "the wheel's sql/ was applied"
            add_session(conn, "s-1", "u1", T0, T0 + 10 * MIN)
            add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
        linked = run(installed, database, "--json", "link", "s-1")
        assert linked.returncode == 0, linked.stderr
        assert json.loads(linked.stdout)[0]["objects_linked"] == 1
        worker = run(installed, database, "worker", "--exit-when-idle", "--poll", "0.2")
        assert worker.returncode == 0, worker.stderr


def test_migrate_that_finds_no_migrations_is_an_error_naming_where_it_looked(installed: Path, admin_conninfo: str,
                                                                            tmp_path: Path) -> None:
    site = next((installed.parent / "lib").glob("python*/site-packages"))
    migrations = site / "datalinker" / "migrations"
    moved = tmp_path / "migrations"
    shutil.move(str(migrations), moved)
    try:
        with dbadmin.throwaway_database(admin_conninfo, prefix="datalinker_wheel") as database:
            result = run(installed, database, "migrate")
            assert result.returncode != 0
            assert "no migrations found in" in result.stderr and str(site / "datalinker" / "migrations") in result.stderr
            with psycopg.connect(database) as conn:
                assert conn.execute("SELECT to_regnamespace('datalinker')").fetchone() == (None,), "nothing half-done"
    finally:
        shutil.move(str(moved), migrations)


def test_the_sdist_carries_sql_and_migrations(tmp_path: Path) -> None:
    import tarfile

    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [sdist] = tmp_path.glob("datalinker-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = {str(p.relative_to(ROOT)) for d in ("sql", "migrations") for p in (ROOT / d).rglob("*")
                if p.suffix in {".sql", ".py"}}
    assert expected - names == set()
