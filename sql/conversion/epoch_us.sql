-- datalinker.epoch_us: a timestamptz as exact integer microseconds since the Unix epoch.
CREATE OR REPLACE FUNCTION datalinker.epoch_us(p_ts timestamptz)
RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT (extract(epoch FROM p_ts) * 1000000)::bigint
$$;

COMMENT ON FUNCTION datalinker.epoch_us(timestamptz) IS
    'epoch_us(p_ts timestamptz) -> bigint: exact microseconds since 1970-01-01 UTC (extract(epoch) is numeric, no float rounding).';
