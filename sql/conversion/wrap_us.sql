-- datalinker.wrap_us: p_us modulo the 32-bit counter period 2^32, always in [0, 2^32).
-- Plain SQL without SET so the planner inlines it into set-based queries (uses only built-ins).
CREATE OR REPLACE FUNCTION datalinker.wrap_us(p_us bigint)
RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ((p_us % 4294967296) + 4294967296) % 4294967296
$$;

COMMENT ON FUNCTION datalinker.wrap_us(bigint) IS $doc$`p_us` mod 2^32, normalised to [0, 2^32) (SQL's `%` keeps the sign).

Example: `SELECT datalinker.wrap_us(-1);` gives 4294967295.$doc$;
