"""docs/sql-api.md and the tunables tables, written from the migrated database's own catalogue.

The catalogue is the reference: each function's signature (pg_proc), its COMMENT (contract, details,
example), how it runs (SECURITY DEFINER, pinned search_path, volatility), who may call it (its ACL), the
SQLSTATEs its body raises, datalinker.error_codes() and the table datalinker.settings. `datalinker docs`
writes the files; `datalinker docs --check` (and tests/docs/) fails when a committed file differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datalinker.sqlsource import GRANTS_FOLDER, SQL_FOLDER_TITLES, sql_files

API_DOC = Path("docs/sql-api.md")
TUNABLE_DOCS = (Path("README.md"), Path("docs/operations.md"))
TUNABLES_BEGIN = "<!-- tunables: written by `datalinker docs` from datalinker.settings; edit the migration, not this -->"
TUNABLES_END = "<!-- end of tunables -->"
ARCHITECTURE_DOC = Path("README.md")
ARCHITECTURE_BEGIN = "<!-- sql folders: written by `datalinker docs` from sqlsource.SQL_FOLDER_TITLES and the catalogue -->"
ARCHITECTURE_END = "<!-- end of sql folders -->"

FUNCTIONS = """
SELECT p.proname AS name, p.oid::regprocedure::text AS identity,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') AS comment,
       p.prosecdef AS definer, p.provolatile AS volatility, l.lanname AS language, p.prosrc AS body,
       (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
           AS search_path,
       CASE WHEN p.proacl IS NULL THEN ARRAY['PUBLIC'] ELSE ARRAY(
           SELECT CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
           FROM pg_catalog.aclexplode(p.proacl) a
           WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner ORDER BY 1) END AS callers
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'datalinker'::regnamespace
ORDER BY p.proname, identity
"""
TYPES = """
SELECT t.typname AS name,
       string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS fields
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE t.typnamespace = 'datalinker'::regnamespace
GROUP BY t.typname ORDER BY t.typname
"""
SETTINGS = "SELECT name, value, min_value, max_value, unit, description FROM datalinker.settings ORDER BY name"
ERROR_CODES = "SELECT sqlstate, meaning FROM datalinker.error_codes()"
# Named conditions our bodies raise, by SQLSTATE (RAISE ... USING ERRCODE = '<name or code>').
CONDITIONS = {"invalid_parameter_value": "22023", "numeric_value_out_of_range": "22003",
              "unique_violation": "23505", "lock_not_available": "55P03"}
VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_ERRCODE = re.compile(r"ERRCODE\s*=\s*'(\w+)'")
_DEFINED = re.compile(r"CREATE OR REPLACE FUNCTION datalinker\.(\w+)\s*\(")

HEADER = """# datalinker SQL API (for DBAs)

<!-- Written by `datalinker docs` from a migrated database's catalogue: change the COMMENT ON in sql/ (or the
migration), then run `datalinker docs`; tests/docs fails while this file and the catalogue differ. -->

Everything lives in schema `datalinker`; the domain tables are in `public`. Times are `timestamptz`; device
ticks are the 32-bit µs counter in a `bigint`. Functions that write are `SECURITY DEFINER`, owned by the
NOLOGIN role `datalinker_owner`, with a pinned `search_path`; each one lists the roles that may call it (the
trust model: [security.md](security.md)). `\\df+ datalinker.*` in psql shows the same comments. A PL/Proxy
proxy serves the user- and session-keyed functions under the same signatures
(`tests/cluster/test_proxy_follows_shards.py` keeps them equal).
"""


@dataclass(frozen=True)
class Function:
    name: str
    identity: str
    arguments: str
    result: str
    comment: str
    definer: bool
    volatility: str
    language: str
    body: str
    search_path: str | None
    callers: list[str]

    def raises(self) -> list[str]:
        return sorted({CONDITIONS.get(code, code) for code in _ERRCODE.findall(self.body)})


def source_files() -> dict[str, Path]:
    """Function name -> the sql/ file that defines it."""
    return {m: path for path in sql_files() for m in _DEFINED.findall(path.read_text(encoding="utf-8"))}


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows])


def human_us(value: int) -> str:
    """60000000 -> '60 s'; the largest whole unit."""
    for unit, size in (("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000),
                       ("ms", 1_000)):
        if value and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value} µs"


def tunables_table(conn: Any) -> str:
    rows = conn.execute(SETTINGS).fetchall()
    return markdown_table(
        ["name", "default", "bounds", "meaning"],
        [[f"`{r['name']}`", human_us(r["value"]) if r["unit"] == "us" else f"{r['value']} {r['unit']}",
          f"{human_us(r['min_value'])} … {human_us(r['max_value'])}", r["description"]] for r in rows])


def readable(signature: str) -> str:
    """pg_get_function_arguments' spelling, shortened the way psql users write it."""
    signature = signature.replace("timestamp with time zone", "timestamptz").replace("character varying", "varchar")
    return re.sub(r"(NULL|'[^']*')::[\w. ]+?(\[\])?(?=,|$)", r"\1", signature)


def function_section(fn: Function, path: Path) -> str:
    runs = f"{fn.language}, {VOLATILITY[fn.volatility]}" + (", SECURITY DEFINER" if fn.definer else "")
    runs += f"; search_path `{fn.search_path}`" if fn.search_path else "; search_path not pinned (inlinable SQL)"
    callers = ", ".join(f"`{c}`" for c in fn.callers) or "the owner only"
    lines = [f"### `{fn.name}({readable(fn.arguments)})` → `{readable(fn.result)}`", "", fn.comment.strip() or "(no comment)", "",
             f"- Source: `sql/{path.parent.name}/{path.name}`; {runs}", f"- Callable by: {callers}"]
    if fn.raises():
        lines.append("- Raises itself: " + ", ".join(f"`{code}`" for code in fn.raises()))
    return "\n".join(lines)


def api_doc(conn: Any) -> str:
    """The whole of docs/sql-api.md for the database behind conn."""
    functions = [Function(**row) for row in conn.execute(FUNCTIONS).fetchall()]
    files = source_files()
    parts = [HEADER, "## SQLSTATEs", "", markdown_table(["SQLSTATE", "meaning"], [
        [f"`{r['sqlstate']}`", r["meaning"]] for r in conn.execute(ERROR_CODES).fetchall()]), "",
        "## Tunables (`datalinker.settings`; `setting(name)` reads, `set_setting(name, value)` changes)", "",
        tunables_table(conn), "", "## Composite types", "",
        "\n".join(f"- `datalinker.{r['name']}`: {r['fields']}" for r in conn.execute(TYPES).fetchall()), ""]
    order = {path: i for i, path in enumerate(sql_files())}
    for folder, title in SQL_FOLDER_TITLES.items():
        if folder == GRANTS_FOLDER:
            continue
        mine = sorted((fn for fn in functions if files[fn.name].parent.name == folder),
                      key=lambda fn: (order[files[fn.name]], fn.identity))
        parts += [f"## {title}", "", f"Folder `sql/{folder}/`.", ""]
        parts += [function_section(fn, files[fn.name]) + "\n" for fn in mine]
    return "\n".join(parts).rstrip() + "\n"


def with_block(text: str, begin: str, end: str, block: str) -> str:
    """text with what stands between the markers begin and end replaced by block."""
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + block + "\n" + text[stop:]


def folders_table(conn: Any) -> str:
    """README's map of sql/: each folder, what it holds and the DESIGN section it implements, its functions."""
    files = source_files()
    names = sorted({r["name"] for r in conn.execute(FUNCTIONS).fetchall()})
    rows = []
    for folder, title in SQL_FOLDER_TITLES.items():
        what, _, section = title.rpartition(" (")
        mine = [n for n in names if n in files and files[n].parent.name == folder]
        rows.append([f"`sql/{folder}/`", what, section.rstrip(")"), ", ".join(f"`{n}`" for n in mine) or "grants"])
    return markdown_table(["folder", "holds", "DESIGN", "functions"], rows)


def expected(conn: Any, root: Path) -> dict[Path, str]:
    """Every file `datalinker docs` writes, with the content it must have."""
    table = tunables_table(conn)
    files = {root / API_DOC: api_doc(conn)}
    files.update({root / p: with_block((root / p).read_text(encoding="utf-8"), TUNABLES_BEGIN, TUNABLES_END, table)
                  for p in TUNABLE_DOCS})
    readme = root / ARCHITECTURE_DOC
    files[readme] = with_block(files[readme], ARCHITECTURE_BEGIN, ARCHITECTURE_END, folders_table(conn))
    return files


def stale(conn: Any, root: Path) -> list[Path]:
    """The files whose committed content differs from the catalogue's."""
    return [p for p, text in expected(conn, root).items() if p.read_text(encoding="utf-8") != text]


def write(conn: Any, root: Path) -> list[Path]:
    """Rewrite the stale files; returns them."""
    changed = stale(conn, root)
    files = expected(conn, root)
    for path in changed:
        path.write_text(files[path], encoding="utf-8")
    return changed
