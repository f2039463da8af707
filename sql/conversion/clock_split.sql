-- datalinker.clock_split: the clock piece (1, 2, …) of each sync measurement: a counter reset starts a new piece where the offset, detrended by the median drift, jumps by more than max(10 robust SDs, clock_reset_min_us) — an up-and-back pair (cancelling within max(10 robust SDs, clock_fit_tolerance_us)) is one outlier, not two resets.
CREATE OR REPLACE FUNCTION datalinker.clock_split(p_at_us numeric[], p_offset_us numeric[])
RETURNS integer[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH pts AS (SELECT u.i, u.a, u.o FROM unnest(p_at_us, p_offset_us) WITH ORDINALITY AS u(a, o, i)),
diffs AS (
    SELECT p.i, lead(p.o) OVER w - p.o AS d_o, lead(p.a) OVER w - p.a AS d_a FROM pts p WINDOW w AS (ORDER BY p.i)
),
-- Medians for a threshold only (float8 is fine here; the lines are exact numeric).
drift AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (d.d_o / d.d_a)::float8) AS s
          FROM diffs d WHERE d.d_a IS NOT NULL),
resid AS (SELECT d.i, d.d_o - f.s::numeric * d.d_a AS r FROM diffs d CROSS JOIN drift f WHERE d.d_a IS NOT NULL),
center AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.r::float8)::numeric AS med FROM resid r),
noise AS (
    SELECT c.med, 10 * 1.4826 * percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(r.r - c.med)::float8)::numeric AS sd10
    FROM resid r CROSS JOIN center c GROUP BY c.med
),
spread AS (
    SELECT n.med, greatest(n.sd10, datalinker.setting('clock_reset_min_us')) AS thr,
           greatest(n.sd10, datalinker.setting('clock_fit_tolerance_us')) AS back  -- how exactly a pair must cancel
    FROM noise n
),
jumps AS (SELECT r.i, r.r, abs(r.r - s.med) > s.thr AS jump, s.med, s.back FROM resid r CROSS JOIN spread s),
-- Up and back within the noise: one outlier. A reset next to an outlier does not cancel (its pair misses by the
-- reset), so it still splits.
breaks AS (
    SELECT j.i,
           j.jump
           AND NOT coalesce(lead(j.jump) OVER w AND abs(j.r + lead(j.r) OVER w - 2 * j.med) <= j.back, false)
           AND NOT coalesce(lag(j.jump) OVER w AND abs(lag(j.r) OVER w + j.r - 2 * j.med) <= j.back, false) AS brk
    FROM jumps j WINDOW w AS (ORDER BY j.i)
)
SELECT array_agg(x.piece ORDER BY x.i)
FROM (SELECT p.i, 1 + coalesce(sum(coalesce(b.brk, false)::integer)
                                   OVER (ORDER BY p.i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::integer AS piece
        FROM pts p LEFT JOIN breaks b ON b.i = p.i) x
$$;

COMMENT ON FUNCTION datalinker.clock_split(numeric[], numeric[]) IS $doc$The clock piece of each measurement, split at counter resets (detrended jumps beyond max(10 robust SDs, clock_reset_min_us)).

Example: `SELECT datalinker.clock_split(ARRAY[0, 6e7, 12e7, 18e7], ARRAY[1, 2, 9e9, 9e9]);`$doc$;
