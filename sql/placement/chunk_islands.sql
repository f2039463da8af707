-- datalinker.chunk_islands: the user's pending device-time chunks, each unwrapped against its own receipt (u: the latest µs ≡ its start tick mod 2^32 not after receipt + skew, no clock needed) and numbered by island per data_type (runs contiguous in u within segment_gap_us; a chunk that overlaps another in that space — the same ticks a period apart — stands alone).
CREATE OR REPLACE FUNCTION datalinker.chunk_islands(p_user_id text)
RETURNS TABLE (object_id varchar, data_type varchar, created_at timestamptz, t0 bigint, t1 bigint, dur bigint,
               rcv bigint, u bigint, island bigint)
LANGUAGE plpgsql STABLE
ROWS 1000
SET jit = off
-- One user's rows by index, whatever the generic plan guesses; planned once per connection. A plain index scan,
-- not a bitmap: it marks the entries of rows no longer pending (a link just wrote them) dead in the index, so the
-- next pass skips them instead of visiting every one again until a VACUUM (docs/design-notes.md, "Planner settings
-- on the linker").
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_bitmapscan = off
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
    SELECT r.*, (r.rcv + v_skew) - datalinker.wrap_us(r.rcv + v_skew - r.t0) AS u
    FROM (SELECT r.object_id, r.data_type, r.created_at, r.start_time_device AS t0, r.end_time_device AS t1,
                 datalinker.wrap_us(r.end_time_device - r.start_time_device) AS dur,
                 datalinker.epoch_us(r.created_at) AS rcv
          FROM public.raw_data_objects r
          WHERE r.user_id = p_user_id AND r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
          OFFSET 0) r  -- the receipt's µs (numeric arithmetic) once a chunk, not in every expression that reads it
),
-- one pass over the chunks in position order: the furthest end of all chunks but the previous one, the previous
-- chunk's start and end, the next chunk's start
neighbours AS (
    SELECT p.*,
           max(p.u + p.dur) OVER w AS before_prev_end, lag(p.u) OVER w AS prev_u,
           lag(p.u + p.dur) OVER w AS prev_u_end, lead(p.u) OVER w AS next_u
    FROM pend p
    WINDOW w AS (PARTITION BY p.data_type ORDER BY p.u, p.object_id ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING)
),
starts AS (  -- a chunk overlapping a neighbour stands alone; a run starts after a gap or a chunk standing alone
    SELECT n.*,
           (coalesce(n.prev_end > n.u, false) OR coalesce(n.next_u < n.u + n.dur, false)  -- it overlaps one
            OR n.prev_end IS NULL OR n.u - n.prev_end > v_gap
            OR coalesce(n.before_prev_end > n.prev_u, false)) AS is_start  -- the previous overlaps an earlier one
    FROM (SELECT n.*, greatest(n.before_prev_end, n.prev_u_end) AS prev_end FROM neighbours n) n
)
SELECT s.object_id, s.data_type, s.created_at, s.t0, s.t1, s.dur, s.rcv, s.u,
       sum(s.is_start::integer) OVER (PARTITION BY s.data_type ORDER BY s.u, s.object_id) AS island
FROM starts s;
END;
$$;

COMMENT ON FUNCTION datalinker.chunk_islands(text) IS $doc$The first step of `chunk_placements`: every pending device-time chunk of the user (unlinked, no UTC, not expired) — its ticks, duration, receipt (epoch µs), `u` (its start unwrapped against its own receipt plus the skew) and `island` (per data_type, runs contiguous in `u` within `segment_gap_us`; a chunk overlapping another in `u` stands alone). Read-only.$doc$;
