-- datalinker.clock_offset_us: offset_ms_avg of a clock_offset_info as exact integer µs (device − UTC), NULL when absent, not a JSON number or beyond ±1e15 ms.
CREATE OR REPLACE FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN jsonb_typeof(p_clock_offset_info -> 'offset_ms_avg') = 'number'
                     AND abs((p_clock_offset_info ->> 'offset_ms_avg')::numeric) <= 1e15
                THEN round((p_clock_offset_info ->> 'offset_ms_avg')::numeric * 1000)::bigint
           END
$$;

COMMENT ON FUNCTION datalinker.clock_offset_us(jsonb) IS $doc$Round(offset_ms_avg * 1000) in exact numeric (ties away from zero); NULL when the key is missing, not a JSON number, or beyond ±1e15 ms (clock_pieces names it).

Example: `SELECT datalinker.clock_offset_us('{"offset_ms_avg": -1712345678901.25}');` gives -1712345678901250.$doc$;
