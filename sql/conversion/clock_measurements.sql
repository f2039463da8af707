-- datalinker.clock_measurements: the sync measurements of clock_offset_info as arrays (µs since the epoch, device − UTC in µs), or the problem that names the first malformed or out-of-order one.
CREATE OR REPLACE FUNCTION datalinker.clock_measurements(p_points jsonb)
RETURNS TABLE (at_us numeric[], offset_us numeric[], problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_at      numeric[];
    v_off     numeric[];
    v_ok      boolean;
    v_problem text;
BEGIN
    BEGIN  -- one pass; the zone is explicit, so neither TimeZone nor DateStyle of the caller matters
        SELECT array_agg(datalinker.epoch_us((e.p ->> 'at')::timestamptz)::numeric ORDER BY e.i),
               array_agg((e.p ->> 'offset_ms')::numeric * 1000 ORDER BY e.i),
               bool_and(coalesce(jsonb_typeof(e.p -> 'offset_ms') = 'number' AND abs((e.p ->> 'offset_ms')::numeric) <= 1e15
                        AND datalinker.is_iso_time_with_zone(e.p ->> 'at'), false))
          INTO v_at, v_off, v_ok FROM jsonb_array_elements(p_points) WITH ORDINALITY AS e(p, i);
    EXCEPTION WHEN data_exception OR invalid_parameter_value OR wrong_object_type THEN
        v_ok := false;
    END;
    IF NOT coalesce(v_ok, false) THEN  -- name the first malformed measurement
        v_problem := coalesce(datalinker.clock_measurement_problem(p_points), '"at" is not a valid timestamp');
    END IF;
    IF v_problem IS NULL THEN
        SELECT format('measurement %s: "at" %s is not after measurement %s (%s)', x.i, p_points -> (x.i - 1)::integer -> 'at',
                      x.i - 1, p_points -> (x.i - 2)::integer -> 'at')
          INTO v_problem
          FROM (SELECT u.i, u.a, lag(u.a) OVER (ORDER BY u.i) AS prev FROM unnest(v_at) WITH ORDINALITY AS u(a, i)) x
         WHERE x.a <= x.prev ORDER BY x.i LIMIT 1;
    END IF;
    IF v_problem IS NOT NULL THEN
        RETURN QUERY SELECT NULL::numeric[], NULL::numeric[], v_problem;
        RETURN;
    END IF;
    RETURN QUERY SELECT v_at, v_off, NULL::text;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_measurements(jsonb) IS $doc$The measurements `[{"at": "<ISO time with zone>", "offset_ms": <number>}, …]` as two arrays: `at_us` (µs since the epoch) and `offset_us` (device − UTC, µs), in the given order; or `problem` naming the first malformed measurement (`clock_measurement_problem`) or the first that is not after the one before. Neither the caller's TimeZone nor DateStyle matters. Part of `clock_fit`.

Example: `SELECT * FROM datalinker.clock_measurements('[{"at": "2026-03-02T09:00:00Z", "offset_ms": 1.5}]');`$doc$;
