-- datalinker.clock_line: one robust line through sync measurements (times and offsets in µs) — Huber's M-estimator (statsmodels' RLM with HuberT) by iteratively reweighted least squares, from a robust start; NULL for no points.
-- Robust start (an OLS start lets one gross outlier among few points inflate the scale for good): the
-- median slope of consecutive points, then the median intercept (or p_start, a line already near). Then IRLS with t = 1.345 and scale =
-- median |residual| / 0.6745 until the line moves by less than 0.001 µs. The iterations run in float8 on
-- values relative to the first point (µs and ns-exact there: times span < 10^12 µs, offsets move by < 10^9 µs);
-- the line is returned in numeric, its offset kept to 0.001 µs. One point: a flat line through it.
CREATE OR REPLACE FUNCTION datalinker.clock_line(p_at_us numeric[], p_offset_us numeric[],
                                                 p_start datalinker.clock_line DEFAULT NULL)
RETURNS datalinker.clock_line
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_huber constant float8 := 1.345;
    c_mad   constant float8 := 0.6744897501960817;
    v_line  datalinker.clock_line;
    v_x     float8[];  -- at − mean at
    v_y     float8[];  -- offset − first offset
    v_m     float8;    -- the line's value at the mean time (relative)
    v_b     float8;
    v_s     float8;
    v_m_old float8;
    v_b_old float8;
    v_iter  integer := 0;
BEGIN
    v_line.points := coalesce(cardinality(p_at_us), 0);
    IF v_line.points = 0 THEN
        RETURN NULL;
    END IF;
    v_line.mean_at_us := (SELECT avg(a) FROM unnest(p_at_us) a);
    v_x := ARRAY(SELECT (a - v_line.mean_at_us)::float8 FROM unnest(p_at_us) a);  -- unnest keeps the order
    v_y := ARRAY(SELECT (o - p_offset_us[1])::float8 FROM unnest(p_offset_us) o);
    IF p_start.slope IS NOT NULL THEN  -- a warm start: a line through (a superset of) these points
        v_b := p_start.slope::float8;
        v_m := (p_start.mean_offset_us + p_start.slope * (v_line.mean_at_us - p_start.mean_at_us) - p_offset_us[1])::float8;
    ELSE
        SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY z.s), 0) INTO v_b
          FROM (SELECT (lead(u.y) OVER w - u.y) / nullif(lead(u.x) OVER w - u.x, 0) AS s
                  FROM unnest(v_x, v_y) AS u(x, y) WINDOW w AS (ORDER BY u.x)) z
         WHERE z.s IS NOT NULL;
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY u.y - v_b * u.x) INTO v_m FROM unnest(v_x, v_y) AS u(x, y);
    END IF;
    LOOP
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(u.y - v_m - v_b * u.x)) / c_mad INTO v_s
          FROM unnest(v_x, v_y) AS u(x, y);
        EXIT WHEN v_s = 0 OR v_line.points < 2 OR v_iter >= 100;  -- through half the points exactly
        v_iter := v_iter + 1;
        v_m_old := v_m;
        v_b_old := v_b;
        WITH w AS (
            SELECT u.x, u.y, least(1.0, c_huber * v_s / nullif(abs(u.y - v_m - v_b * u.x), 0)) AS wt
            FROM unnest(v_x, v_y) AS u(x, y)
        ),
        means AS (SELECT sum(coalesce(w.wt, 1) * w.x) / sum(coalesce(w.wt, 1)) AS xw,
                         sum(coalesce(w.wt, 1) * w.y) / sum(coalesce(w.wt, 1)) AS yw FROM w)
        SELECT mn.yw - b.b * mn.xw, b.b
          INTO v_m, v_b
          FROM means mn
          CROSS JOIN LATERAL (SELECT coalesce(sum(coalesce(w.wt, 1) * (w.x - mn.xw) * (w.y - mn.yw))
                                              / nullif(sum(coalesce(w.wt, 1) * (w.x - mn.xw) ^ 2), 0), 0) AS b
                              FROM w) b;
        EXIT WHEN abs(v_m - v_m_old) < 0.001 AND abs(v_b - v_b_old) < 1e-12;
    END LOOP;
    SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(u.y - v_m - v_b * u.x)) / c_mad, 0) INTO v_s
      FROM unnest(v_x, v_y) AS u(x, y);
    v_line.mean_offset_us := round(p_offset_us[1] + v_m::numeric, 3);
    v_line.slope := round(v_b::numeric, 15);
    v_line.scale_us := round(v_s::numeric, 3);
    RETURN v_line;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_line(numeric[], numeric[], datalinker.clock_line) IS $doc$Huber-robust line offset = mean_offset_us + slope·(t − mean_at_us) through the points (µs); scale_us = 1.4826·MAD of its residuals. NULL for no points.

Example: `SELECT (datalinker.clock_line(ARRAY[0, 1e6, 2e6], ARRAY[5, 6, 7])).slope;`$doc$;
