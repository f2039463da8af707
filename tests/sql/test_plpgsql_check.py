"""Every PL/pgSQL function passes plpgsql_check with no errors (and no warnings)."""

from __future__ import annotations

import psycopg

LINT = """
SELECT p.oid::regprocedure::text AS function, r.lineno, r.level, r.message
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
CROSS JOIN LATERAL plpgsql_check_function_tb(
    p.oid,
    -- a trigger function is checked against the table its trigger is on
    relid => coalesce((SELECT t.tgrelid FROM pg_trigger t WHERE t.tgfoid = p.oid LIMIT 1), 0),
    newtable => CASE WHEN p.prorettype = 'trigger'::regtype THEN 'new_rows' END,
    extra_warnings => true, performance_warnings => false) r
WHERE p.pronamespace = 'datalinker'::regnamespace
ORDER BY 1, 2
"""


def test_plpgsql_check_finds_nothing(conn: psycopg.Connection) -> None:
    conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    functions = conn.execute("SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
                             " WHERE l.lanname = 'plpgsql' AND p.pronamespace = 'datalinker'::regnamespace").fetchone()
    assert functions is not None and functions[0] >= 10, "the lint must see our functions"
    findings = conn.execute(LINT).fetchall()
    assert findings == [], "\n".join(f"{f}:{line} {level}: {msg}" for f, line, level, msg in findings)
