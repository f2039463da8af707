-- datalinker.clock_judge: the rows of clock_fit from fitted pieces — per piece its span, line, points used and rejected, robust scatter, the line's uncertainty at the data (3 standard errors at the worse end of p_data_from..p_data_to within the piece) and the problem that makes it unusable, judged on the line, never on single points.
-- Problems, first that applies: with several pieces, one of fewer than 3 points (a line needs 3 to be checked); a line
-- that fits at most half its points within clock_fit_tolerance_us; outliers among fewer than 3 good points (any
-- two make a line); uncertain by more than clock_max_uncertainty_us; a drift over 1000 ppm. The scatter s of a
-- piece is the robust 1.4826·MAD of its good points; with fewer than 10 (a MAD of a handful is luck) the larger of
-- that and √(Σe²/(n − 2)); pooled over the pieces for pieces of one or two.
CREATE OR REPLACE FUNCTION datalinker.clock_judge(p_at_us numeric[], p_offset_us numeric[], p_piece integer[],
                                                  p_keep boolean[], p_lines datalinker.clock_line[],
                                                  p_data_from timestamptz, p_data_to timestamptz)
RETURNS SETOF datalinker.clock_piece
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH cfg AS MATERIALIZED (
    SELECT datalinker.setting('clock_fit_tolerance_us') AS tol, datalinker.setting('clock_max_uncertainty_us') AS max_unc
),
lines AS (
    SELECT l.p::integer AS p, l.mean_at_us AS mat, l.mean_offset_us AS mof, l.slope AS b, l.scale_us AS scale
    FROM unnest(p_lines) WITH ORDINALITY AS l(mean_at_us, mean_offset_us, slope, scale_us, points, p)
),
pts AS (
    SELECT u.i, u.a, u.p, u.k, u.f - l.mof - l.b * (u.a - l.mat) AS e, (u.a - l.mat) ^ 2 AS dx2
    FROM unnest(p_at_us, p_offset_us, p_piece, p_keep) WITH ORDINALITY AS u(a, f, p, k, i)
    JOIN lines l ON l.p = u.p
),
per AS (
    SELECT x.p, min(x.i) AS first_i, count(*) AS total, count(*) FILTER (WHERE x.k) AS n,
           min(x.a) FILTER (WHERE x.k) AS first_a, max(x.a) FILTER (WHERE x.k) AS last_a,  -- what the kept points measured
           count(*) FILTER (WHERE abs(x.e) <= (SELECT tol FROM cfg)) AS fit,
           sum(x.e ^ 2) FILTER (WHERE x.k) AS ss, sum(x.dx2) FILTER (WHERE x.k) AS sxx
    FROM pts x GROUP BY x.p
),
spans AS (
    SELECT r.*, l.mat, l.mof, l.b, l.scale, count(*) OVER () AS pieces,
           lag(r.last_a) OVER w AS from_us, lead(r.first_a) OVER w AS to_us,
           (SELECT sum(q.ss) / nullif(sum(q.n - 2), 0) FROM per q WHERE q.n > 2) AS pooled_var
    FROM per r JOIN lines l ON l.p = r.p
    WINDOW w AS (ORDER BY r.p)
),
judged AS (
    SELECT s.*, 3 * greatest(CASE WHEN s.n >= 10 THEN s.scale WHEN s.n > 2 THEN greatest(s.scale, sqrt(s.ss / (s.n - 2))) ELSE sqrt(coalesce(s.pooled_var, 0)) END, 0)
                * sqrt(1.0 / greatest(s.n, 1) + greatest((w.lo - s.mat) ^ 2, (w.hi - s.mat) ^ 2) / coalesce(nullif(s.sxx, 0), 1e300)) AS unc
    FROM spans s
    CROSS JOIN LATERAL (SELECT greatest(coalesce(datalinker.epoch_us(p_data_from), s.first_a), coalesce(s.from_us, -1e18)) AS lo,
                               least(coalesce(datalinker.epoch_us(p_data_to), s.last_a), coalesce(s.to_us, 1e18)) AS hi) d
    CROSS JOIN LATERAL (SELECT CASE WHEN d.lo <= d.hi THEN d.lo ELSE s.first_a END AS lo,
                               CASE WHEN d.lo <= d.hi THEN d.hi ELSE s.last_a END AS hi) w
)
SELECT j.p, j.from_us, j.to_us,
       j.first_a, j.last_a,  -- closed: past the last sync a reset could be unseen
       j.mof, j.mat, j.b, j.n::integer, (j.total - j.n)::integer, round(j.scale, 1), round(j.unc, 1),
       'clock_offset_info.measurements unusable: measurement ' || j.first_i || ': the clock piece ' || j.p || CASE
           WHEN j.pieces > 1 AND j.total < 3
               THEN format(' (after or before a counter reset) has only %s measurement(s); a line needs at least 3 to be checked', j.total)
           WHEN j.total > 1 AND j.fit * 2 <= j.total
               THEN format(' fits only %s of its %s points within %s ms (clock_fit_tolerance_us)', j.fit, j.total,
                           trim_scale((SELECT tol FROM cfg) / 1000.0))
           WHEN j.n < j.total AND j.n < 3
               THEN format(' has %s points, %s of them outliers: too few to tell the clock from the outliers', j.total, j.total - j.n)
           WHEN j.unc > (SELECT max_unc FROM cfg)
               THEN format(' is uncertain to %s µs at the session''s data (3 standard errors of its line through %s points); more than %s µs (clock_max_uncertainty_us)',
                           round(j.unc), j.n, (SELECT max_unc FROM cfg))
           WHEN abs(j.b) > 0.001 THEN format(' drifts %s ppm; no crystal drifts more than 1000 ppm', round(j.b * 1e6, 1))
       END
FROM judged j
ORDER BY j.p
$$;

COMMENT ON FUNCTION datalinker.clock_judge(numeric[], numeric[], integer[], boolean[], datalinker.clock_line[], timestamptz, timestamptz) IS $doc$Span, line, points used/rejected, scatter, uncertainty at the data, problem. Internal to clock_fit.$doc$;
