-- datalinker.chunk_islands: the user's pending device-time chunks, each unwrapped against its own receipt (u: the latest µs ≡ its start tick mod 2^32 not after receipt + skew, no clock needed) and numbered by island per data_type (runs contiguous in u within segment_gap_us; a chunk that overlaps another in that space — the same ticks a period apart — stands alone).
CREATE OR REPLACE FUNCTION datalinker.chunk_islands(p_user_id text)
RETURNS TABLE (object_id varchar, data_type varchar, created_at timestamptz, t0 bigint, t1 bigint, dur bigint,
               rcv bigint, u bigint, island bigint)
LANGUAGE plpgsql STABLE
ROWS 1000
SET jit = off
-- One user's rows by index, whatever the generic plan guesses; planned once per connection.
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_skew bigint := datalinker.skew_us();
    v_gap  bigint := datalinker.setting('segment_gap_us');
BEGIN
RETURN QUERY
WITH
pend AS (
    SELECT r.object_id, r.data_type, r.created_at, r.start_time_device AS t0, r.end_time_device AS t1,
           datalinker.wrap_us(r.end_time_device - r.start_time_device) AS dur,
           datalinker.epoch_us(r.created_at) AS rcv,
           (datalinker.epoch_us(r.created_at) + v_skew)
               - datalinker.wrap_us(datalinker.epoch_us(r.created_at) + v_skew - r.start_time_device) AS u
    FROM public.raw_data_objects r
    WHERE r.user_id = p_user_id AND r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
),
neighbours AS (
    SELECT p.*,
           max(p.u + p.dur) OVER (PARTITION BY p.data_type ORDER BY p.u, p.object_id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end,
           lead(p.u) OVER (PARTITION BY p.data_type ORDER BY p.u, p.object_id) AS next_u
    FROM pend p
),
flagged AS (
    SELECT n.*, (coalesce(n.prev_end > n.u, false) OR coalesce(n.next_u < n.u + n.dur, false)) AS conflicted
    FROM neighbours n
),
starts AS (
    SELECT f.*,
           (f.conflicted OR f.prev_end IS NULL OR f.u - f.prev_end > v_gap
            OR lag(f.conflicted) OVER (PARTITION BY f.data_type ORDER BY f.u, f.object_id)) AS is_start
    FROM flagged f
)
SELECT s.object_id, s.data_type, s.created_at, s.t0, s.t1, s.dur, s.rcv, s.u,
       sum(s.is_start::integer) OVER (PARTITION BY s.data_type ORDER BY s.u, s.object_id) AS island
FROM starts s;
END;
$$;

COMMENT ON FUNCTION datalinker.chunk_islands(text) IS $doc$The first step of `chunk_placements`: every pending device-time chunk of the user (unlinked, no UTC, not expired) — its ticks, duration, receipt (epoch µs), `u` (its start unwrapped against its own receipt plus the skew) and `island` (per data_type, runs contiguous in `u` within `segment_gap_us`; a chunk overlapping another in `u` stands alone). Read-only.$doc$;
