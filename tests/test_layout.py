"""The project's shape as a maintainer reads it: one builder of domain rows, one epoch_us, README's layout."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_WRITE = re.compile(r"(INSERT INTO|COPY|UPDATE|DELETE FROM) public\.(experiments|sessions|raw_data_objects|images|audio_clips)\b")


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/*.py") if not {".venv", "build"} & set(p.relative_to(ROOT).parts))


def test_domain_rows_are_built_through_the_ingest_api() -> None:
    """Outside sql/ and the migrations, domain tables are written through datalinker.add_* (the API users call).
    Allowed: the DBA's psql path in builders (a session ended without a job; bench history linked long ago) and
    test modules that insert deliberately odd rows (hostile input, an old schema, triggers)."""
    writes = sorted((str(p.relative_to(ROOT)), m.group(0)) for p in python_files() if not p.name.startswith("test_")
                    for m in DOMAIN_WRITE.finditer(p.read_text()))
    allowed = {
        ("bench/measure.py", "UPDATE public.raw_data_objects"): "the bare UPDATE the linker is measured against",
        ("bench/naive.py", "UPDATE public.raw_data_objects"): "the naive peer the bench compares with",
        ("bench/placement.py", "UPDATE public.sessions"): "the noisy-clock scenario's sync measurements",
        ("bench/placement.py", "UPDATE public.raw_data_objects"): "the same scenario's counter reset",
        ("datalinker/builders.py", "INSERT INTO public.sessions"): "bench history: sessions linked long ago",
        ("datalinker/builders.py", "UPDATE public.sessions"): "a session ended without a job (psql, AMQP)",
    }
    assert [w for w in writes if w not in allowed] == []


def test_one_epoch_us_in_the_package_and_one_independent_reference() -> None:
    defined = sorted(str(p.relative_to(ROOT)) for p in python_files() if re.search(r"^def epoch_us\(", p.read_text(), re.M))
    assert defined == ["datalinker/builders.py", "tests/reference.py"]


def readme_layout() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Layout")
    return text[start:text.index("```\n", text.index("```", start) + 3)]


def test_readme_layout_names_every_folder_and_module_and_nothing_that_is_gone() -> None:
    layout = readme_layout()
    named = re.findall(r"^([\w./-]+/|[\w.]+\.py)\s", layout, re.M)
    assert [n for n in named if not (ROOT / n).exists()] == []
    folders = [f"sql/{p.name}/" for p in sorted((ROOT / "sql").iterdir()) if p.is_dir()]
    folders += [p.name + "/" for p in sorted(ROOT.iterdir()) if p.is_dir()
                and p.name in {"migrations", "datalinker", "tests", "bench", "docs", "deploy", ".ci"}]
    assert [f for f in folders if f not in named] == []
    modules = [p.stem for d in ("datalinker", "bench") for p in sorted((ROOT / d).glob("*.py")) if p.stem != "__init__"]
    assert [m for m in modules if not re.search(rf"\b{re.escape(m)}\b", layout)] == []


def test_bench_is_split_by_concern_into_small_modules() -> None:
    """A new figure is one small function: no bench module grows back into a 350-line mixture."""
    sizes = {p.name: len(p.read_text().splitlines()) for p in sorted((ROOT / "bench").glob("*.py"))}
    assert {name: n for name, n in sizes.items() if n > 220} == {}
    assert {"workload.py", "measure.py", "pipeline.py", "report.py"} <= set(sizes)


def test_every_link_result_is_the_one_composite_type() -> None:
    """link_session, relink_session, amend_session and run_link return datalinker.link_result (the proxy's too, read
    from the shard)."""
    spelled_out = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "sql").rglob("*.sql")
                         if re.search(r"RETURNS TABLE \(session_id text, link_status text", p.read_text()))
    assert spelled_out == []
    users = sorted(p.stem for p in (ROOT / "sql").rglob("*.sql") if "RETURNS SETOF datalinker.link_result" in p.read_text())
    assert users == ["amend_session", "link_session", "relink_session", "run_link"], \
        "the proxy's copies take their result from the shard's catalogue (sql/proxy: '(...)')"
