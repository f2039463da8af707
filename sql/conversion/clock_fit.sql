-- datalinker.clock_fit: the session's clock as pieces, each with its robust line, what it rejected and how sure the line is at the session's data (p_data_from..p_data_to), and the problem that makes it unusable (NULL: usable); one row with piece NULL for malformed input. Never raises for the data: clock_pieces and clock_report do.
-- 1. No measurements, or one: one constant piece (offset_ms_avg, else that measurement), bit for bit the constant rule.
-- 2. Pieces split at counter resets (clock_split). With several pieces, one of fewer than 3 points is a problem
--    (its line cannot be checked; a bogus first offset looks exactly like a reset after one measurement, and
--    data of that boot converted with another piece's line would be wrong).
-- 3. Per piece: a Huber line through all its points (clock_line); points further than
--    least(clock_fit_tolerance_us, max(5 robust SDs, 1 ms)) from it are rejected, never fitted; the line again
--    through the rest.
-- 4. Judged on the line, never on single points (clock_judge).
CREATE OR REPLACE FUNCTION datalinker.clock_fit(p_clock_offset_info jsonb, p_data_from timestamptz DEFAULT NULL,
                                                p_data_to timestamptz DEFAULT NULL)
RETURNS SETOF datalinker.clock_piece
LANGUAGE plpgsql STABLE
ROWS 2
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_points  jsonb := p_clock_offset_info -> 'measurements';
    v_tol     bigint := datalinker.setting('clock_fit_tolerance_us');
    v_problem text;
    v_at      numeric[];
    v_off     numeric[];
    v_piece   integer[];
    v_keep    boolean[];
    v_pieces  integer;
    v_line    datalinker.clock_line;
    v_lines   datalinker.clock_line[] := ARRAY[]::datalinker.clock_line[];
BEGIN
    IF jsonb_typeof(p_clock_offset_info -> 'offset_ms_avg') = 'number'
       AND abs((p_clock_offset_info ->> 'offset_ms_avg')::numeric) > 1e15 THEN
        RETURN QUERY SELECT NULL::integer, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
            NULL::numeric, NULL::numeric, 0, 0, NULL::numeric, NULL::numeric,
            format('clock_offset_info.offset_ms_avg %s is beyond ±1e15 ms', p_clock_offset_info -> 'offset_ms_avg');
        RETURN;
    END IF;
    IF jsonb_typeof(v_points) IS DISTINCT FROM 'array' OR jsonb_array_length(v_points) = 0 THEN
        RETURN QUERY SELECT 1, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, o::numeric, 0::numeric,
                            0::numeric, 0, 0, 0::numeric, 0::numeric, NULL::text
                     FROM datalinker.clock_offset_us(p_clock_offset_info) o WHERE o IS NOT NULL;
        RETURN;
    END IF;
    SELECT m.at_us, m.offset_us, m.problem INTO v_at, v_off, v_problem FROM datalinker.clock_measurements(v_points) m;
    IF v_problem IS NOT NULL THEN
        RETURN QUERY SELECT NULL::integer, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
            NULL::numeric, NULL::numeric, 0, 0, NULL::numeric, NULL::numeric,
            'clock_offset_info.measurements unusable: ' || v_problem;
        RETURN;
    END IF;
    IF cardinality(v_at) = 1 THEN  -- one measurement: the constant rule
        RETURN QUERY SELECT 1, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
                            coalesce(datalinker.clock_offset_us(p_clock_offset_info)::numeric, round(v_off[1])),
                            0::numeric, 0::numeric, 1, 0, 0::numeric, 0::numeric, NULL::text;
        RETURN;
    END IF;

    -- 2. Pieces.
    v_piece := datalinker.clock_split(v_at, v_off);
    v_pieces := (SELECT max(p) FROM unnest(v_piece) p);

    -- 3. Per piece: fit, reject what lies far from the line, fit the rest.
    v_keep := array_fill(false, ARRAY[cardinality(v_at)]);
    FOR v_p IN 1 .. v_pieces LOOP
        v_line := datalinker.clock_line(ARRAY(SELECT a FROM unnest(v_at, v_piece) u(a, p) WHERE p = v_p),
                                        ARRAY(SELECT f FROM unnest(v_at, v_off, v_piece) u(a, f, p) WHERE p = v_p));
        SELECT array_agg(CASE WHEN u.p = v_p THEN abs(u.f - v_line.mean_offset_us - v_line.slope * (u.a - v_line.mean_at_us))
                                                          <= least(v_tol, greatest(5 * v_line.scale_us, 1000))
                              ELSE u.k END ORDER BY u.i)
          INTO v_keep FROM unnest(v_at, v_off, v_piece, v_keep) WITH ORDINALITY AS u(a, f, p, k, i);
        IF (SELECT count(*) FROM unnest(v_piece, v_keep) u(p, k) WHERE p = v_p AND k) BETWEEN 1 AND v_line.points - 1 THEN
            v_line := datalinker.clock_line(ARRAY(SELECT a FROM unnest(v_at, v_piece, v_keep) u(a, p, k) WHERE p = v_p AND k),
                                            ARRAY(SELECT f FROM unnest(v_at, v_off, v_piece, v_keep) u(a, f, p, k) WHERE p = v_p AND k),
                                            v_line);
        END IF;
        v_lines := v_lines || v_line;
    END LOOP;

    RETURN QUERY SELECT * FROM datalinker.clock_judge(v_at, v_off, v_piece, v_keep, v_lines, p_data_from, p_data_to);
END;
$$;

COMMENT ON FUNCTION datalinker.clock_fit(jsonb, timestamptz, timestamptz) IS $doc$Every clock piece with its robust line, the measurements it used and rejected, their robust scatter and the line's uncertainty (3 standard errors) at the data between p_data_from and p_data_to (default: the piece's own measurements), and why it is unusable (problem; NULL: usable). Never raises for bad data.

Example: `SELECT piece, points, rejected, uncertainty_us, problem FROM datalinker.clock_fit('{"offset_ms_avg": 1.5}');`$doc$;
