-- datalinker.epoch_us: a timestamptz as exact integer microseconds since the Unix epoch.
CREATE OR REPLACE FUNCTION datalinker.epoch_us(p_ts timestamptz)
RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT (extract(epoch FROM p_ts) * 1000000)::bigint
$$;

COMMENT ON FUNCTION datalinker.epoch_us(timestamptz) IS $doc$Exact microseconds since 1970-01-01 UTC (extract(epoch) is numeric, no float rounding).

Example: `SELECT datalinker.epoch_us('1970-01-01 00:00:01.5+00');` gives 1500000.$doc$;
