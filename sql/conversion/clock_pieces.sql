-- datalinker.clock_pieces: the session's clock as pieces split at counter resets, each a robust line offset(t) = mean_offset_us + slope·(t − mean_at_us) (µs, device − UTC) valid from from_us to to_us and measured from first_at_us to last_at_us (NULL: open); zero rows when there is no usable offset; DL006 (strict) names the bad measurement.
-- No measurements, or one: one constant piece (offset_ms_avg, else that measurement), bit for bit the
-- constant rule. Two or more ("measurements": [{"at": "<ISO time with zone>", "offset_ms": <number>}]):
-- 1. Resets: consecutive offset differences, detrended by the median drift, jumping by more than
--    max(10 robust SDs, clock_reset_min_us) start a new piece — except an up-and-back pair, which is one
--    outlier, not two resets.
-- 2. Per piece, Huber's M-estimator by iteratively reweighted least squares (t = 1.345, scale =
--    median |residual| / 0.6745: statsmodels' RLM with HuberT), in exact numeric, from a robust start
--    (median slope, median intercept); the line is kept to 0.001 µs. A single-point piece takes the drift of the largest piece (same crystal).
-- 3. DL006 when, with several pieces, one has fewer than three measurements; when a piece's line leaves most of its points more than clock_fit_tolerance_us off, has outliers
--    but fewer than three good points (any two make a line: nothing tells which), its inliers
--    scatter more than clock_max_rms_us, its line is uncertain to more than 1 ms (4·s/√n, s the unbiased
--    scatter, pooled for pieces of one or two points), or it drifts over 1000 ppm.
CREATE OR REPLACE FUNCTION datalinker.clock_pieces(p_clock_offset_info jsonb, p_strict boolean DEFAULT true)
RETURNS TABLE (piece integer, from_us numeric, to_us numeric, first_at_us numeric, last_at_us numeric,
               mean_offset_us numeric, mean_at_us numeric, slope numeric, points integer, rejected integer, rms_us numeric)
LANGUAGE plpgsql STABLE
ROWS 2  -- usually one piece; the default estimate of 1000 inflates the linker's plans
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_huber     constant numeric := 1.345;
    c_mad       constant numeric := 0.6744897501960817;
    v_points    jsonb := p_clock_offset_info -> 'measurements';
    v_tolerance numeric := datalinker.setting('clock_fit_tolerance_us');
    v_min_jump  numeric := datalinker.setting('clock_reset_min_us');
    v_max_rms   numeric := datalinker.setting('clock_max_rms_us');
    v_problem   text;
    v_at        numeric[];
    v_off       numeric[];
    v_piece     integer[];
    v_pieces    integer;
    v_n         integer;
    v_abar      numeric;
    v_m         numeric;
    v_b         numeric;
    v_m_old     numeric;
    v_b_old     numeric;
    v_scale     numeric;
    v_iter      integer;
    v_lines     numeric[] := '{}'::numeric[];  -- per piece: abar, m, b (flattened)
    v_best_b    numeric;
    v_res       numeric[];  -- each measurement's residual from its piece's line (µs)
BEGIN
    IF jsonb_typeof(p_clock_offset_info -> 'offset_ms_avg') = 'number'
       AND abs((p_clock_offset_info ->> 'offset_ms_avg')::numeric) > 1e15 THEN
        IF p_strict THEN
            RAISE EXCEPTION 'clock_offset_info.offset_ms_avg % is beyond ±1e15 ms', p_clock_offset_info -> 'offset_ms_avg'
                USING ERRCODE = 'DL006';
        END IF;
        RETURN;
    END IF;
    IF jsonb_typeof(v_points) IS DISTINCT FROM 'array' OR jsonb_array_length(v_points) = 0 THEN
        IF datalinker.clock_offset_us(p_clock_offset_info) IS NOT NULL THEN
            RETURN QUERY SELECT 1, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
                                datalinker.clock_offset_us(p_clock_offset_info)::numeric, 0::numeric, 0::numeric, 0, 0, 0::numeric;
        END IF;
        RETURN;
    END IF;

    -- Every measurement checked, the first problem named with its index (1-based) and value.
    SELECT CASE
               WHEN jsonb_typeof(e.p) <> 'object' THEN format('measurement %s is not an object: %s', e.i, e.p)
               WHEN jsonb_typeof(e.p -> 'at') IS DISTINCT FROM 'string'
                   THEN format('measurement %s: "at" must be an ISO timestamp with a time zone, got %s', e.i, coalesce((e.p -> 'at')::text, 'nothing'))
               WHEN (e.p ->> 'at') !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$'
                   THEN format('measurement %s: "at" %s has no time zone or is not an ISO timestamp', e.i, e.p -> 'at')
               WHEN jsonb_typeof(e.p -> 'offset_ms') IS DISTINCT FROM 'number'
                   THEN format('measurement %s: "offset_ms" must be a JSON number, got %s', e.i, coalesce((e.p -> 'offset_ms')::text, 'nothing'))
               WHEN abs((e.p ->> 'offset_ms')::numeric) > 1e15
                   THEN format('measurement %s: "offset_ms" %s is beyond ±1e15 ms', e.i, e.p -> 'offset_ms')
           END
      INTO v_problem
      FROM jsonb_array_elements(v_points) WITH ORDINALITY AS e(p, i)
     WHERE jsonb_typeof(e.p) <> 'object' OR jsonb_typeof(e.p -> 'at') IS DISTINCT FROM 'string'
        OR (e.p ->> 'at') !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$'
        OR jsonb_typeof(e.p -> 'offset_ms') IS DISTINCT FROM 'number' OR abs((e.p ->> 'offset_ms')::numeric) > 1e15
     ORDER BY e.i
     LIMIT 1;
    IF v_problem IS NULL THEN
        BEGIN  -- the zone is explicit, so neither TimeZone nor DateStyle of the caller matters
            SELECT array_agg(datalinker.epoch_us((e.p ->> 'at')::timestamptz)::numeric ORDER BY e.i),
                   array_agg((e.p ->> 'offset_ms')::numeric * 1000 ORDER BY e.i)
              INTO v_at, v_off
              FROM jsonb_array_elements(v_points) WITH ORDINALITY AS e(p, i);
        EXCEPTION WHEN data_exception THEN
            GET STACKED DIAGNOSTICS v_problem = MESSAGE_TEXT;
            v_problem := '"at" is not a valid timestamp: ' || v_problem;
        END;
    END IF;
    IF v_problem IS NULL THEN
        SELECT format('measurement %s: "at" %s is not after measurement %s (%s)', x.i, v_points -> (x.i - 1)::integer -> 'at',
                      x.i - 1, v_points -> (x.i - 2)::integer -> 'at')
          INTO v_problem
          FROM (SELECT u.i, u.a, lag(u.a) OVER (ORDER BY u.i) AS prev FROM unnest(v_at) WITH ORDINALITY AS u(a, i)) x
         WHERE x.a <= x.prev ORDER BY x.i LIMIT 1;
    END IF;

    IF v_problem IS NULL AND jsonb_array_length(v_points) = 1 THEN  -- one measurement: the constant rule
        RETURN QUERY SELECT 1, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
                            coalesce(datalinker.clock_offset_us(p_clock_offset_info)::numeric, round(v_off[1])),
                            0::numeric, 0::numeric, 1, 0, 0::numeric;
        RETURN;
    END IF;
    IF v_problem IS NULL THEN
        -- 1. Pieces: a break after point i where the detrended difference to point i + 1 jumps.
        WITH pts AS (SELECT u.i, u.a, u.o FROM unnest(v_at, v_off) WITH ORDINALITY AS u(a, o, i)),
        diffs AS (
            SELECT p.i, lead(p.o) OVER w - p.o AS d_o, lead(p.a) OVER w - p.a AS d_a FROM pts p WINDOW w AS (ORDER BY p.i)
        ),
        -- Medians for a threshold only (float8 is fine here; the lines below are exact numeric).
        drift AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (d.d_o / d.d_a)::float8) AS s
                  FROM diffs d WHERE d.d_a IS NOT NULL),
        resid AS (SELECT d.i, d.d_o - f.s::numeric * d.d_a AS r FROM diffs d CROSS JOIN drift f WHERE d.d_a IS NOT NULL),
        center AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.r::float8)::numeric AS med FROM resid r),
        spread AS (
            SELECT c.med, greatest(10 * 1.4826 * percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(r.r - c.med)::float8)::numeric,
                                   v_min_jump) AS thr
            FROM resid r CROSS JOIN center c GROUP BY c.med
        ),
        jumps AS (
            SELECT r.i, r.r, abs(r.r - s.med) > s.thr AS jump, s.med, s.thr FROM resid r CROSS JOIN spread s
        ),
        breaks AS (
            SELECT j.i,
                   j.jump
                   AND NOT coalesce(lead(j.jump) OVER w AND abs(j.r + lead(j.r) OVER w - 2 * j.med) <= j.thr, false)
                   AND NOT coalesce(lag(j.jump) OVER w AND abs(lag(j.r) OVER w + j.r - 2 * j.med) <= j.thr, false) AS brk
            FROM jumps j WINDOW w AS (ORDER BY j.i)
        )
        SELECT array_agg(x.piece ORDER BY x.i)
          INTO v_piece
          FROM (SELECT p.i, 1 + coalesce(sum(coalesce(b.brk, false)::integer)
                                             OVER (ORDER BY p.i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::integer AS piece
                  FROM pts p LEFT JOIN breaks b ON b.i = p.i) x;
        v_pieces := v_piece[array_length(v_piece, 1)];

        -- 2. A robust line per piece.
        FOR v_p IN 1 .. v_pieces LOOP
            SELECT count(*), avg(u.a) INTO v_n, v_abar FROM unnest(v_at, v_piece) AS u(a, p) WHERE u.p = v_p;
            IF v_n = 1 THEN
                SELECT u.o INTO v_m FROM unnest(v_off, v_piece) AS u(o, p) WHERE u.p = v_p;
                v_lines := v_lines || ARRAY[v_abar, v_m, NULL];
                CONTINUE;
            END IF;
            -- Robust start (an OLS start lets one gross outlier among few points inflate the scale for good):
            -- the median slope of consecutive points, then the median intercept.
            SELECT coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x.s::float8)::numeric, 15), 0)
              INTO v_b
              FROM (SELECT (lead(u.o) OVER w - u.o) / (lead(u.a) OVER w - u.a) AS s
                      FROM unnest(v_at, v_off, v_piece) AS u(a, o, p) WHERE u.p = v_p WINDOW w AS (ORDER BY u.a)) x
             WHERE x.s IS NOT NULL;
            SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY (u.o - v_b * (u.a - v_abar))::float8)::numeric, 3)
              INTO v_m FROM unnest(v_at, v_off, v_piece) AS u(a, o, p) WHERE u.p = v_p;
            v_iter := 0;
            LOOP
                v_iter := v_iter + 1;
                SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(u.o - v_m - v_b * (u.a - v_abar))::float8))::numeric
                             / c_mad, 6)
                  INTO v_scale FROM unnest(v_at, v_off, v_piece) AS u(a, o, p) WHERE u.p = v_p;
                EXIT WHEN v_scale = 0;  -- the line goes through (at least) half the points exactly
                v_m_old := v_m;
                v_b_old := v_b;
                WITH w AS (
                    SELECT u.a, u.o, CASE WHEN abs(u.o - v_m - v_b * (u.a - v_abar)) <= c_huber * v_scale THEN 1::numeric
                                          ELSE round(c_huber * v_scale / abs(u.o - v_m - v_b * (u.a - v_abar)), 12) END AS wt
                    FROM unnest(v_at, v_off, v_piece) AS u(a, o, p) WHERE u.p = v_p
                ),
                means AS (SELECT sum(w.wt * w.a) / sum(w.wt) AS aw, sum(w.wt * w.o) / sum(w.wt) AS ow FROM w)
                SELECT round(mn.ow + b.b * (v_abar - mn.aw), 3), b.b
                  INTO v_m, v_b
                  FROM means mn
                  CROSS JOIN LATERAL (SELECT coalesce(round(sum(w.wt * (w.a - mn.aw) * (w.o - mn.ow))
                                                            / nullif(sum(w.wt * (w.a - mn.aw) ^ 2), 0), 15), 0) AS b
                                      FROM w) b;
                EXIT WHEN v_iter >= 100
                       OR (abs(v_m - v_m_old) < 0.001 AND abs(v_b - v_b_old) < 1e-12);
            END LOOP;
            v_lines := v_lines || ARRAY[v_abar, v_m, v_b];
        END LOOP;
        -- A single-point piece drifts like the rest of the crystal: the slope of the largest piece.
        SELECT v_lines[3 * (x.p - 1) + 3] INTO v_best_b
          FROM (SELECT u.p, count(*) AS n FROM unnest(v_piece) AS u(p) GROUP BY u.p) x
         WHERE v_lines[3 * (x.p - 1) + 3] IS NOT NULL ORDER BY x.n DESC, x.p LIMIT 1;
        SELECT array_agg(u.o - v_lines[3 * (u.p - 1) + 2]
                         - coalesce(v_lines[3 * (u.p - 1) + 3], v_best_b, 0) * (u.a - v_lines[3 * (u.p - 1) + 1]) ORDER BY u.i)
          INTO v_res
          FROM unnest(v_at, v_off, v_piece) WITH ORDINALITY AS u(a, o, p, i);

        -- 3. Fit quality per piece. After a reset, a piece needs three measurements for its line to be checked.
        IF v_pieces > 1 THEN
            SELECT format('measurement %s: the clock piece %s (after or before a counter reset) has only %s measurement(s); a line needs at least 3 to be checked',
                          min(u.i), u.p, count(*))
              INTO v_problem
              FROM unnest(v_piece) WITH ORDINALITY AS u(p, i)
             GROUP BY u.p HAVING count(*) < 3 ORDER BY u.p LIMIT 1;
        END IF;
        IF v_problem IS NULL THEN
        SELECT format('measurement %s: the clock piece %s fits only %s of its %s points within %s ms (clock_fit_tolerance_us)',
                      min(f.first_i), f.p, f.inliers, f.n, trim_scale(v_tolerance / 1000))
          INTO v_problem
          FROM (SELECT u.p, min(u.i) AS first_i, count(*) AS n,
                       count(*) FILTER (WHERE abs(u.e) <= v_tolerance) AS inliers
                  FROM unnest(v_res, v_piece) WITH ORDINALITY AS u(e, p, i) GROUP BY u.p) f
         WHERE f.inliers * 2 <= f.n AND f.n > 1
         GROUP BY f.p, f.inliers, f.n ORDER BY f.p LIMIT 1;
        END IF;
        IF v_problem IS NULL THEN
            -- Outliers among fewer than three good points: any two points make a line, nothing tells which.
            SELECT format('measurement %s: the clock piece %s has %s points, %s of them outliers: too few to tell the clock from the outliers',
                          f.first_i, f.p, f.n, f.n - f.inliers)
              INTO v_problem
              FROM (SELECT u.p, min(u.i) AS first_i, count(*) AS n,
                           count(*) FILTER (WHERE abs(u.e) <= v_tolerance) AS inliers
                      FROM unnest(v_res, v_piece) WITH ORDINALITY AS u(e, p, i) GROUP BY u.p) f
             WHERE f.inliers < f.n AND f.inliers < 3 AND f.n > 1
             ORDER BY f.p LIMIT 1;
        END IF;
        IF v_problem IS NULL THEN
            -- Scatter: a line whose inliers scatter by more than clock_max_rms_us (a shift too small to call a
            -- reset, or jitter) cannot promise 1 ms. A single-point piece has the scatter of the others.
            SELECT format('measurement %s: the clock piece %s scatters %s µs RMS around its line; at most %s µs (clock_max_rms_us)',
                          f.first_i, f.p, round(f.rms), v_max_rms)
              INTO v_problem
              FROM (SELECT u.p, min(u.i) AS first_i, sqrt(avg(u.e ^ 2) FILTER (WHERE abs(u.e) <= v_tolerance)) AS rms
                      FROM unnest(v_res, v_piece) WITH ORDINALITY AS u(e, p, i)
                     GROUP BY u.p) f
             WHERE f.rms > v_max_rms
             ORDER BY f.p LIMIT 1;
        END IF;
        IF v_problem IS NULL THEN
            -- Uncertainty: 4·s/√n of the line must stay within the 1 ms the contract promises, s the unbiased
            -- scatter (Σe²/(n − 2)) pooled over the pieces that have one; a piece without its own (one or two
            -- points) takes the pooled s; none anywhere: taken as exact, like offset_ms_avg.
            WITH res AS (SELECT u.p, u.i, u.e FROM unnest(v_res, v_piece) WITH ORDINALITY AS u(e, p, i)),
            per AS (
                SELECT r.p, min(r.i) AS first_i, count(*) AS n,
                       count(*) FILTER (WHERE abs(r.e) <= v_tolerance) - 2 AS df,
                       sum(r.e ^ 2) FILTER (WHERE abs(r.e) <= v_tolerance) AS ss
                FROM res r GROUP BY r.p
            ),
            pooled AS (SELECT sum(p.ss) / nullif(sum(p.df), 0) AS var FROM per p WHERE p.df > 0)
            SELECT format('measurement %s: the clock piece %s is uncertain to %s µs (4·s/√%s); more than 1 ms',
                          x.first_i, x.p, round(x.u), x.n)
              INTO v_problem
              FROM (SELECT p.p, p.first_i, p.n,
                           4 * sqrt(CASE WHEN p.df > 0 THEN p.ss / p.df ELSE (SELECT var FROM pooled) END) / sqrt(p.n) AS u
                      FROM per p) x
             WHERE x.u > 1000
             ORDER BY x.p LIMIT 1;
        END IF;
        IF v_problem IS NULL THEN
            SELECT format('measurement %s: the clock piece %s drifts %s ppm; no crystal drifts more than 1000 ppm',
                          min(u.i), u.p, round(v_lines[3 * (u.p - 1) + 3] * 1e6, 1))
              INTO v_problem
              FROM unnest(v_piece) WITH ORDINALITY AS u(p, i)
             WHERE abs(coalesce(v_lines[3 * (u.p - 1) + 3], 0)) > 0.001
             GROUP BY u.p ORDER BY u.p LIMIT 1;
        END IF;
    END IF;

    IF v_problem IS NOT NULL THEN
        IF p_strict THEN
            RAISE EXCEPTION 'clock_offset_info.measurements unusable: %', v_problem USING ERRCODE = 'DL006';
        END IF;
        RETURN;
    END IF;

    RETURN QUERY
    SELECT f.p, lag(f.last_a) OVER (ORDER BY f.p), lead(f.first_a) OVER (ORDER BY f.p),
           CASE WHEN f.p > 1 THEN f.first_a END, CASE WHEN f.p < v_pieces THEN f.last_a END,
           v_lines[3 * (f.p - 1) + 2], v_lines[3 * (f.p - 1) + 1], coalesce(v_lines[3 * (f.p - 1) + 3], v_best_b, 0),
           f.n, f.rejected, f.rms
    FROM (SELECT u.p, min(u.a) AS first_a, max(u.a) AS last_a, count(*)::integer AS n,
                 count(*) FILTER (WHERE abs(u.e) > v_tolerance)::integer AS rejected,
                 round(sqrt(coalesce(avg(u.e ^ 2) FILTER (WHERE abs(u.e) <= v_tolerance), 0)), 3) AS rms
          FROM unnest(v_at, v_res, v_piece) AS u(a, e, p)
          GROUP BY u.p) f;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_pieces(jsonb, boolean) IS
    'clock_pieces(p_clock_offset_info jsonb, p_strict bool DEFAULT true) -> TABLE(piece, from_us, to_us, first_at_us, last_at_us, mean_offset_us, mean_at_us, slope, points, rejected, rms_us): the clock used to convert ticks — pieces split at counter resets, each a Huber-robust line (offset µs = mean_offset_us + slope·(t − mean_at_us)), valid between the neighbouring pieces'' measurements (from_us/to_us; NULL = open), measured from first_at_us to last_at_us (NULL = open at the session''s ends): a segment placed with a piece must reach that measured span. Zero rows when there is no usable offset. Raises DL006 (strict) naming the measurement: a time without zone, a non-number, |offset_ms| > 1e15, times not increasing, a piece whose line fits at most half its points within clock_fit_tolerance_us, a drift over 1000 ppm.';
