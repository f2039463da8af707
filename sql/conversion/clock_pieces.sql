-- datalinker.clock_pieces: the session's usable clock — pieces split at counter resets, each a robust line offset(t) = mean_offset_us + slope·(t − mean_at_us) (µs, device − UTC) valid from from_us to to_us and measured from first_at_us to last_at_us (its kept points; NULL: open) — judged at the session's data (p_data_from..p_data_to); zero rows when there is no usable offset; DL006 (strict) names the problem (clock_fit says how it is computed).
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

COMMENT ON FUNCTION datalinker.clock_pieces(jsonb, boolean, timestamptz, timestamptz) IS $doc$The clock a session's ticks are converted with: pieces split at counter resets, each a Huber-robust line `offset(t) = mean_offset_us + slope·(t − mean_at_us)` (µs, device − UTC), valid from `from_us` to `to_us` (NULL = open) and measured from `first_at_us` to `last_at_us` (its kept points; a segment placed with a piece must reach that span). `{"offset_ms_avg": x}` or one measurement gives one constant piece (the constant rule, bit for bit); `{"measurements": [{"at": "<ISO time with zone>", "offset_ms": <number>}, …]}` is fitted (design-notes, clock pieces): `points` fitted, `rejected` outliers (never fitted), `scale_us` their robust scatter, `uncertainty_us` 3 standard errors of the line at the data between `p_data_from` and `p_data_to` (the session's start and end; default the piece's own measurements). Zero rows when there is no usable offset. With `p_strict` it raises `DL006` naming the problem (a time without zone, a non-number, |offset_ms| > 1e15, times not increasing, a line that fits at most half its points within `clock_fit_tolerance_us`, outliers among fewer than 3 good points, a line uncertain by more than `clock_max_uncertainty_us` at the data, a drift over 1000 ppm); otherwise it returns zero rows. Its steps: `clock_fit` (`clock_measurement_problem`, `clock_split`, `clock_line`, `clock_judge`).

Example: `SELECT * FROM datalinker.clock_pieces('{"offset_ms_avg": -1712345678901.25}');`$doc$;
