-- datalinker.chunk_segments: the user's pending device-time chunks with their segment — islands (chunk_islands) chained by tick continuity (i's last tick followed by j's first within segment_gap_us; mutual, unique best matches only, so a tie of two recordings a period apart chains nothing) — and their exact µs from the segment's first tick, whatever the segment's length.
CREATE OR REPLACE FUNCTION datalinker.chunk_segments(p_user_id text)
RETURNS TABLE (object_id varchar, data_type varchar, created_at timestamptz, t0 bigint, t1 bigint, dur bigint,
               rcv bigint, seg bigint, rel bigint)
LANGUAGE plpgsql STABLE
ROWS 1000
SET jit = off
SET plan_cache_mode = force_generic_plan
-- Its steps join by hash whatever the generic plan guesses of their sizes (docs/design-notes.md, "Planner
-- settings on the linker").
SET enable_nestloop = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_period constant bigint := 4294967296;
    v_gap    bigint := datalinker.setting('segment_gap_us');
BEGIN
RETURN QUERY
WITH RECURSIVE
chunks AS MATERIALIZED (
    SELECT c.* FROM datalinker.chunk_islands(p_user_id) c
),
islands AS MATERIALIZED (
    SELECT c.data_type, c.island, min(c.u) AS u_head, max(c.u + c.dur) AS u_end,
           -- the first tick of the chunk starting first and the last of the one ending last, no sort and no
           -- array a chunk: u ≡ t0 and u + dur ≡ t1 (mod 2^32), so they are those positions wrapped
           datalinker.wrap_us(min(c.u)) AS head_t0, datalinker.wrap_us(max(c.u + c.dur)) AS tail_t1
    FROM chunks c
    GROUP BY c.data_type, c.island
),
-- i → j when j's first tick follows i's last within the gap: tick buckets of gap + 1 (i's tail bucket and the next)
-- as plain columns, so the join is a hash join on them whatever the row estimates (a generic plan that
-- guessed few islands joined on the type alone: 10^8 pairs for a lab day's buffered uploads).
island_tails AS MATERIALIZED (
    SELECT i.data_type, i.island, i.tail_t1, (i.tail_t1 / (v_gap + 1) + d.k) % ((c_period + v_gap) / (v_gap + 1)) AS bucket
    FROM islands i
    CROSS JOIN (VALUES (0::bigint), (1::bigint)) AS d(k)
),
island_heads AS MATERIALIZED (
    SELECT i.data_type, i.island, i.head_t0, i.head_t0 / (v_gap + 1) AS bucket
    FROM islands i
),
edges AS (
    SELECT i.data_type, i.island AS src, j.island AS dst, datalinker.wrap_us(j.head_t0 - i.tail_t1) AS gap
    FROM island_tails i
    JOIN island_heads j ON j.data_type = i.data_type AND j.bucket = i.bucket
    WHERE j.island <> i.island
      AND datalinker.wrap_us(j.head_t0 - i.tail_t1) <= v_gap
),
-- the unique best edge of its source and of its target: first by gap and strictly shorter than the next
by_src AS (
    SELECT e.*, row_number() OVER w = 1 AND coalesce(lead(e.gap) OVER w > e.gap, true) AS src_best
    FROM edges e
    WINDOW w AS (PARTITION BY e.data_type, e.src ORDER BY e.gap)
),
links AS MATERIALIZED (  -- mutual, unique best matches only: a tie (two recordings a period apart) chains nothing
    SELECT b.data_type, b.src, b.dst, b.gap
    FROM (SELECT b.*, row_number() OVER w = 1 AND coalesce(lead(b.gap) OVER w > b.gap, true) AS dst_best
          FROM by_src b
          WINDOW w AS (PARTITION BY b.data_type, b.dst ORDER BY b.gap)) b
    WHERE b.src_best AND b.dst_best
),
chain AS (
    SELECT i.data_type, i.island, i.island AS head, 0::bigint AS offs
    FROM islands i
    WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.data_type = i.data_type AND l.dst = i.island)
    UNION ALL
    SELECT l.data_type, l.dst, c.head, c.offs + (i.u_end - i.u_head) + l.gap
    FROM chain c
    JOIN links l ON l.data_type = c.data_type AND l.src = c.island
    JOIN islands i ON i.data_type = c.data_type AND i.island = c.island
),
segment_of AS (  -- islands on a cycle (never seen in practice) stand alone
    SELECT c.data_type, c.island, c.head, c.offs FROM chain c
    UNION ALL
    SELECT i.data_type, i.island, i.island, 0 FROM islands i
    WHERE NOT EXISTS (SELECT 1 FROM chain c WHERE c.data_type = i.data_type AND c.island = i.island)
)
SELECT c.object_id, c.data_type, c.created_at, c.t0, c.t1, c.dur, c.rcv, s.head, s.offs + (c.u - i.u_head)
FROM chunks c
JOIN segment_of s ON s.data_type = c.data_type AND s.island = c.island
JOIN islands i ON i.data_type = c.data_type AND i.island = c.island;
END;
$$;

COMMENT ON FUNCTION datalinker.chunk_segments(text) IS $doc$The second step of `chunk_placements`: every pending device-time chunk of the user — its ticks, duration, receipt, `seg` (per data_type, the number of the head island of its chain: islands of `chunk_islands` chained where one's first tick follows another's last within `segment_gap_us`, mutual and unique best matches only; islands on a cycle stand alone) and `rel`, exact µs from the segment's first tick to its start. Read-only.$doc$;
