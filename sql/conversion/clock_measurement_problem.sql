-- datalinker.clock_measurement_problem: the first malformed entry of clock_offset_info.measurements, named with its index (1-based) and value — not an object, "at" not an ISO time with a zone, "offset_ms" not a finite JSON number within ±1e15 ms — or NULL when all are well-formed (clock_fit checks that the times increase).
CREATE OR REPLACE FUNCTION datalinker.clock_measurement_problem(p_points jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_problem text;
BEGIN
    SELECT CASE
               WHEN jsonb_typeof(e.p) <> 'object' THEN format('measurement %s is not an object: %s', e.i, e.p)
               WHEN jsonb_typeof(e.p -> 'at') IS DISTINCT FROM 'string'
                   THEN format('measurement %s: "at" must be an ISO timestamp with a time zone, got %s', e.i, coalesce((e.p -> 'at')::text, 'nothing'))
               WHEN NOT datalinker.is_iso_time_with_zone(e.p ->> 'at')
                   THEN format('measurement %s: "at" %s has no time zone or is not an ISO timestamp', e.i, e.p -> 'at')
               WHEN jsonb_typeof(e.p -> 'offset_ms') IS DISTINCT FROM 'number'
                   THEN format('measurement %s: "offset_ms" must be a JSON number, got %s', e.i, coalesce((e.p -> 'offset_ms')::text, 'nothing'))
               WHEN abs((e.p ->> 'offset_ms')::numeric) > 1e15
                   THEN format('measurement %s: "offset_ms" %s is beyond ±1e15 ms', e.i, e.p -> 'offset_ms')
           END
      INTO v_problem
      FROM jsonb_array_elements(p_points) WITH ORDINALITY AS e(p, i)
     WHERE jsonb_typeof(e.p) <> 'object' OR jsonb_typeof(e.p -> 'at') IS DISTINCT FROM 'string' OR NOT datalinker.is_iso_time_with_zone(e.p ->> 'at')
        OR jsonb_typeof(e.p -> 'offset_ms') IS DISTINCT FROM 'number' OR abs((e.p ->> 'offset_ms')::numeric) > 1e15
     ORDER BY e.i
     LIMIT 1;
    RETURN v_problem;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_measurement_problem(jsonb) IS $doc$The first malformed sync measurement, named with its 1-based index and value, or NULL.

Example: `SELECT datalinker.clock_measurement_problem('[{"at": "2026-03-02T09:00:00", "offset_ms": 1}]');`$doc$;
