-- datalinker.utc_days: the UTC days (dates) from the one holding p_from_us to the one holding p_to_us (epoch µs), in order — the day keys of the placed chunks' tick indexes (migration 0016) a time window reads.
CREATE OR REPLACE FUNCTION datalinker.utc_days(p_from_us bigint, p_to_us bigint)
RETURNS date[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
-- PL/pgSQL keeps its plan for the connection; as SQL (not inlinable: a subquery) it was planned in every
-- statement calling it, twice a placement pass.
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN ARRAY(SELECT d::date
                 FROM generate_series(date_trunc('day', (to_timestamp(0) + p_from_us * interval '1 microsecond')
                                                        AT TIME ZONE 'UTC'),
                                      (to_timestamp(0) + p_to_us * interval '1 microsecond') AT TIME ZONE 'UTC',
                                      interval '1 day') AS d);
END;
$$;

COMMENT ON FUNCTION datalinker.utc_days(bigint, bigint) IS $doc$The UTC dates from the day holding `p_from_us` to the day holding `p_to_us` (µs since the epoch), in order; empty when `p_to_us` is before the day of `p_from_us`. The day keys of the placed chunks' tick indexes (keyed by user, type, UTC day, tick) that a time window reads.

Example: `SELECT datalinker.utc_days(0, 86400000000);` gives `{1970-01-01,1970-01-02}`.$doc$;
