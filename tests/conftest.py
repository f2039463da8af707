"""Fixtures: one real server per run, a migrated template database, a fresh clone per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from psycopg.conninfo import conninfo_to_dict

from datalinker import dbadmin
from datalinker.migrate import migrate


# CI runs a fixed set of examples (reproducible landings); local runs draw new ones and keep exploring.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", help="run the long reliability modes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="long mode: run with --long")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def admin_conninfo() -> Iterator[str]:
    with dbadmin.server() as admin:
        yield admin


@pytest.fixture(scope="session")
def template_db(admin_conninfo: str) -> Iterator[str]:
    name = dbadmin.create_database(admin_conninfo, prefix="datalinker_tpl")
    try:
        migrate(dbadmin.config.with_dbname(admin_conninfo, name))
        yield name
    finally:
        dbadmin.drop_database(admin_conninfo, name)


@pytest.fixture
def db(admin_conninfo: str, template_db: str) -> Iterator[str]:
    """Conninfo of a migrated database of this test's own."""
    with dbadmin.throwaway_database(admin_conninfo, template=template_db, prefix="datalinker_test") as conninfo:
        yield conninfo


@pytest.fixture
def conn(db: str) -> Iterator[psycopg.Connection]:
    """Autocommit connection to the test's database: each statement is its own transaction."""
    with psycopg.connect(db, autocommit=True) as connection:
        yield connection


@pytest.fixture
def db_env(db: str) -> dict[str, str]:
    """Environment for a subprocess (CLI, worker) pointed at the test's database."""
    import os

    env = dict(os.environ)
    params = conninfo_to_dict(db)
    env["DATABASE_URL"] = " ".join(f"{k}={v}" for k, v in params.items())
    return env


@pytest.fixture(scope="module")
def module_conn(admin_conninfo: str, template_db: str) -> Iterator[psycopg.Connection]:
    """One autocommit connection per test module, to a clone of its own (for read-only/property tests)."""
    with dbadmin.throwaway_database(admin_conninfo, template=template_db, prefix="datalinker_test") as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            yield connection


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.fuzzcount import CASES

    if CASES:
        terminalreporter.section("reliability figures: cases tried")
        for kind, count in sorted(CASES.items()):
            terminalreporter.write_line(f"{kind}: {count}")
