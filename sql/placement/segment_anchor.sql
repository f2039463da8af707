-- datalinker.segment_anchor: where the user's placed chunks (linked, or decided by the linker) whose ticks a segment continues put it — before its head or after its tail, within segment_gap_us, received so that the segment may start from p_from_us to p_to_us, not over other placed chunks — as t (its start, epoch µs, the earliest) and conflicting (anchors a period apart disagree); no row when nothing anchors it.
-- Plain SQL without SET so the planner inlines it into chunk_placements: per segment, each way and across the wrap
-- too, one tick range per UTC day of the window in the placed chunks' tick indexes (keyed by day, then tick:
-- migration 0016), so neither the lookup nor those indexes' writes grow with the user's history.
CREATE OR REPLACE FUNCTION datalinker.segment_anchor(p_user_id text, p_data_type text, p_head_t0 bigint,
                                                     p_tail_t1 bigint, p_span bigint, p_from_us bigint,
                                                     p_to_us bigint, p_gap bigint)
RETURNS TABLE (t bigint, conflicting boolean)
LANGUAGE sql STABLE
AS $$
    WITH anchor_times AS (
        SELECT datalinker.epoch_us(a.end_time) + datalinker.wrap_us(p_head_t0 - a.end_time_device) AS t
        FROM (VALUES (0::bigint), (1::bigint)) AS w(k)  -- k = 1: across the wrap (an index range each)
        CROSS JOIN LATERAL (
            SELECT a.end_time, a.end_time_device
            FROM public.raw_data_objects a
            WHERE a.user_id = p_user_id AND a.data_type = p_data_type
              AND a.start_time_device IS NOT NULL AND (a.session_id IS NOT NULL OR a.linked_by = 'placement')
              AND (a.end_time AT TIME ZONE 'UTC')::date = ANY (datalinker.utc_days(p_from_us, p_to_us))
              AND a.end_time_device BETWEEN p_head_t0 - p_gap + w.k * 4294967296 AND p_head_t0 + w.k * 4294967296
              AND (w.k = 0 OR p_head_t0 < p_gap)  -- across the wrap only when the range crosses it (no scan else)
            OFFSET 0  -- kept a per-segment index range: pulled up, it becomes a scan of the user's history
        ) a
        WHERE datalinker.epoch_us(a.end_time) BETWEEN p_from_us AND p_to_us
        UNION ALL
        SELECT datalinker.epoch_us(b.start_time) - datalinker.wrap_us(b.start_time_device - p_tail_t1) - p_span
        FROM (VALUES (0::bigint), (1::bigint)) AS w(k)
        CROSS JOIN LATERAL (
            SELECT b.start_time, b.start_time_device
            FROM public.raw_data_objects b
            WHERE b.user_id = p_user_id AND b.data_type = p_data_type
              AND b.start_time_device IS NOT NULL AND (b.session_id IS NOT NULL OR b.linked_by = 'placement')
              AND (b.start_time AT TIME ZONE 'UTC')::date = ANY (datalinker.utc_days(p_from_us + p_span, p_to_us + p_span))
              AND b.start_time_device BETWEEN p_tail_t1 - w.k * 4294967296 AND p_tail_t1 + p_gap - w.k * 4294967296
              AND (w.k = 0 OR p_tail_t1 + p_gap >= 4294967296)
            OFFSET 0
        ) b
        WHERE datalinker.epoch_us(b.start_time) - p_span BETWEEN p_from_us AND p_to_us
    )
    -- a chunk a period back whose own successor occupies the time anchors nothing
    SELECT min(a.t), max(a.t) - min(a.t) > 4294967296 / 2
    FROM anchor_times a
    WHERE datalinker.time_is_free(p_user_id, p_data_type, a.t, a.t + p_span)
    HAVING count(*) > 0
$$;

COMMENT ON FUNCTION datalinker.segment_anchor(text, text, bigint, bigint, bigint, bigint, bigint, bigint) IS $doc$A step of `chunk_placements`: the placement of a segment (its first tick `p_head_t0`, last tick `p_tail_t1`, `p_span` µs long) by the user's placed chunks of the type (linked, or decided by the linker) its ticks continue within `p_gap` µs, before its head or after its tail, across the wrap too: `t`, the earliest start they give (epoch µs) between `p_from_us` and `p_to_us` where the time is free (`time_is_free`), and `conflicting` when two give starts over half a period apart. No row when nothing anchors it. Read-only.$doc$;
