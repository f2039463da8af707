"""The project's shape as a maintainer reads it: one builder of domain rows, one epoch_us, README's layout."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_WRITE = re.compile(r"(INSERT INTO|COPY) public\.(experiments|sessions|raw_data_objects|images|audio_clips)\b")


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/*.py") if not {".venv", "build"} & set(p.relative_to(ROOT).parts))


def test_domain_rows_are_built_in_one_place() -> None:
    """The demo, bench/ and the test helpers build rows with datalinker.builders; only test modules that
    insert deliberately odd rows (hostile input, an old schema, triggers) write SQL of their own."""
    writers = sorted(str(p.relative_to(ROOT)) for p in python_files()
                     if DOMAIN_WRITE.search(p.read_text()) and not p.name.startswith("test_"))
    assert writers == ["datalinker/builders.py"]


def test_one_epoch_us_in_the_package_and_one_independent_reference() -> None:
    defined = sorted(str(p.relative_to(ROOT)) for p in python_files() if re.search(r"^def epoch_us\(", p.read_text(), re.M))
    assert defined == ["datalinker/builders.py", "tests/reference.py"]
