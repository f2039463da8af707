-- datalinker.clock_pieces: the session's usable clock — pieces split at counter resets, each a robust line offset(t) = mean_offset_us + slope·(t − mean_at_us) (µs, device − UTC) valid from from_us to to_us and measured from first_at_us to last_at_us (NULL: open) — judged at the session's data (p_data_from..p_data_to); zero rows when there is no usable offset; DL006 (strict) names the problem (clock_fit says how it is computed).
CREATE OR REPLACE FUNCTION datalinker.clock_pieces(p_clock_offset_info jsonb, p_strict boolean DEFAULT true,
                                                   p_data_from timestamptz DEFAULT NULL, p_data_to timestamptz DEFAULT NULL)
RETURNS TABLE (piece integer, from_us numeric, to_us numeric, first_at_us numeric, last_at_us numeric,
               mean_offset_us numeric, mean_at_us numeric, slope numeric, points integer, rejected integer,
               scale_us numeric, uncertainty_us numeric)
LANGUAGE plpgsql STABLE
ROWS 2  -- usually one piece; the default estimate of 1000 inflates the linker's plans
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rows    datalinker.clock_piece[];
    v_problem text;
BEGIN
    SELECT array_agg(f ORDER BY f.piece), (array_agg(f.problem ORDER BY f.piece NULLS FIRST) FILTER (WHERE f.problem IS NOT NULL))[1]
      INTO v_rows, v_problem
      FROM datalinker.clock_fit(p_clock_offset_info, p_data_from, p_data_to) f;
    IF v_problem IS NOT NULL THEN
        IF p_strict THEN
            RAISE EXCEPTION '%', v_problem USING ERRCODE = 'DL006';
        END IF;
        RETURN;
    END IF;
    RETURN QUERY SELECT r.piece, r.from_us, r.to_us, r.first_at_us, r.last_at_us, r.mean_offset_us, r.mean_at_us, r.slope,
                        r.points, r.rejected, r.scale_us, r.uncertainty_us
                 FROM unnest(v_rows) AS r;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_pieces(jsonb, boolean, timestamptz, timestamptz) IS
    'clock_pieces(p_clock_offset_info jsonb, p_strict bool DEFAULT true, p_data_from timestamptz DEFAULT NULL, p_data_to timestamptz DEFAULT NULL) -> TABLE(piece, from_us, to_us, first_at_us, last_at_us, mean_offset_us, mean_at_us, slope, points, rejected, scale_us, uncertainty_us): the clock used to convert ticks — pieces split at counter resets, each a Huber-robust line (offset µs = mean_offset_us + slope·(t − mean_at_us)) valid between the neighbouring pieces'' (or rejected end points'') measurements (from_us/to_us; NULL = open), measured from first_at_us to last_at_us (NULL = open at the session''s ends): a segment placed with a piece must reach that measured span. Judged at the data between p_data_from and p_data_to (the session''s start and end). Zero rows when there is no usable offset. Raises DL006 (strict) naming the problem: a time without zone, a non-number, |offset_ms| > 1e15, times not increasing, a line that fits at most half its points within clock_fit_tolerance_us, outliers among fewer than 3 good points, a line uncertain by more than clock_max_uncertainty_us at the data, a drift over 1000 ppm.';
