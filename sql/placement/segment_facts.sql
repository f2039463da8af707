-- datalinker.segment_facts: what a segment's chunks (parallel arrays: first and last tick, µs from the segment's start, duration, receipt epoch µs) say of its placement — span, the latest start the receipts allow (bound), the lags of the slowest and fastest chunk (lag_ref, lead_ref: minus the start), how long the chunks in step with the fastest one arrived over and recorded, its head and tail ticks, its first and last receipt.
-- Plain SQL without SET so the planner inlines it into chunk_placements (a segment's chunks read once).
CREATE OR REPLACE FUNCTION datalinker.segment_facts(p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[],
                                                    p_rcv bigint[], p_skew bigint, p_live bigint)
RETURNS TABLE (span bigint, bound bigint, lag_ref bigint, lead_ref bigint, lead_spread bigint, lead_length bigint,
               head_t0 bigint, head_dur bigint, tail_t1 bigint, first_rcv bigint, last_rcv bigint)
LANGUAGE sql IMMUTABLE
AS $$
    WITH m AS (
        SELECT m.*, m.rcv - m.rel - m.dur AS lag  -- lag = the chunk's receipt − its end, plus the segment's start
        FROM unnest(p_t0, p_t1, p_rel, p_dur, p_rcv) AS m(t0, t1, rel, dur, rcv)
    ),
    ends AS (SELECT min(m.lag) AS lead_ref, min(m.rel) AS head_rel, max(m.rel) AS tail_rel FROM m)
    SELECT max(m.rel + m.dur), min(m.rcv + p_skew - m.rel), max(m.lag), min(e.lead_ref),
           -- the chunks received in step with the fastest one: over how long they arrived (a burst: at once), and
           -- how long they recorded
           max(m.rcv) FILTER (WHERE m.lag <= e.lead_ref + p_live) - min(m.rcv) FILTER (WHERE m.lag <= e.lead_ref + p_live),
           max(m.rel + m.dur) FILTER (WHERE m.lag <= e.lead_ref + p_live)
               - min(m.rel) FILTER (WHERE m.lag <= e.lead_ref + p_live),
           min(m.t0) FILTER (WHERE m.rel = e.head_rel), min(m.dur) FILTER (WHERE m.rel = e.head_rel),
           min(m.t1) FILTER (WHERE m.rel = e.tail_rel), min(m.rcv), max(m.rcv)
    FROM m
    CROSS JOIN ends e  -- one row: no grouping (a sort of the chunks by it)
$$;

COMMENT ON FUNCTION datalinker.segment_facts(bigint[], bigint[], bigint[], bigint[], bigint[], bigint, bigint) IS $doc$A step of `chunk_placements`: the facts of one segment its placement is judged by, from its chunks as parallel arrays (`p_t0`/`p_t1` ticks, `p_rel` µs from the segment's first tick, `p_dur` µs, `p_rcv` receipt epoch µs): `span` (µs), `bound` (the latest start the receipts allow, `p_skew` included), `lag_ref`/`lead_ref` (the slowest/fastest chunk's receipt lag plus the segment's start), `lead_spread`/`lead_length` (over how long the chunks within `p_live` of the fastest were received and recorded), `head_t0`, `head_dur`, `tail_t1`, `first_rcv`, `last_rcv`. Immutable.$doc$;
