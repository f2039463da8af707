-- datalinker.segment_owners: where each chunk of one decided segment goes (DESIGN §2) — of a placed segment, to its owner session (contains its start, else the earliest it overlaps; two clock pieces of it could convert it and neither placed the segment: ambiguous), converted exactly with that session's piece; owner-less, outside_sessions (UTC from the nearest session's clock whose piece holds it, when the segment's time is certain or some chunk of it is in a session) or no_clock (a session without a clock covers it) — else the segment's status.
-- Plain SQL without SET so the planner inlines it into chunk_placements. The owners are chosen from the chunk ×
-- nearby session pairs by one sort of the pairs (the owner-less chunks of a day between sessions never enter it); a
-- pair is converted only where the session lies within the half period (and the slope's reach) that conversion can
-- land in, each conversion once.
CREATE OR REPLACE FUNCTION datalinker.segment_owners(
    p_status text, p_t bigint, p_span bigint, p_chosen_session varchar, p_chosen_piece integer, p_certain boolean,
    p_ids varchar[], p_received timestamptz[], p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[],
    p_sessions varchar[], p_ended boolean[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[],
    p_margin bigint)
RETURNS TABLE (object_id varchar, received_at timestamptz, status text, session_id varchar, start_us bigint, end_us bigint)
LANGUAGE sql IMMUTABLE
AS $$
    WITH members AS (
        SELECT m.*, datalinker.wrap_us(m.t1 - m.t0) AS w  -- the ticks it spans
        FROM unnest(p_ids, p_received, p_t0, p_t1, p_rel, p_dur) WITH ORDINALITY AS m(object_id, received_at, t0, t1, rel, dur, k)
    ),
    near AS (  -- the sessions within a period of the placement, and the last with a clock to end before it and the
        -- first to start after it (any other is farther from every chunk: the nearest clock)
        SELECT x.*
        FROM (SELECT c.*, p_sessions[c.ordinality] AS session_id, p_ended[c.ordinality] AS ended,
                     p_s_us[c.ordinality] AS s_us, p_e_us[c.ordinality] AS e_us,
                     -- a chunk's conversion lands within half a period (its receipt stands in at its placed start
                     -- + 2^31) plus what the slope moves it: |slope|·2^32 / (1 − |slope|) + rounding, bounded here
                     -- for |slope| ≤ 1/4; no bound for a steeper line
                     CASE WHEN abs(c.slope) <= 0.25 THEN 2147483648 + ceil(abs(c.slope) * 8589934592)::bigint + 4
                          ELSE 4611686018427387904 END AS reach_us,
                     -- the piece's bounds, margin included, for integer comparisons: n ≥ y ⇔ n ≥ ⌈y⌉, n < y ⇔ n < ⌈y⌉
                     ceil(c.from_us - p_margin)::bigint AS from_us_m, ceil(c.to_us + p_margin)::bigint AS to_us_m
              FROM unnest(p_clocks) WITH ORDINALITY AS c) x
        WHERE p_status = 'placed'
          AND ((x.s_us < p_t + p_span + 4294967296 AND x.e_us > p_t - 4294967296)
               OR x.e_us = (SELECT max(p_e_us[y.ordinality]) FROM unnest(p_clocks) WITH ORDINALITY AS y
                            WHERE y.mean_offset_us IS NOT NULL AND p_e_us[y.ordinality] <= p_t)
               OR x.s_us = (SELECT min(p_s_us[y.ordinality]) FROM unnest(p_clocks) WITH ORDINALITY AS y
                            WHERE y.mean_offset_us IS NOT NULL AND p_s_us[y.ordinality] >= p_t + p_span))
    ),
    pairs AS (  -- each chunk under each nearby session that can own it: converted with the session's own piece
        SELECT m.k, m.object_id, m.received_at, x.session_id, x.ended, x.piece, x.s_us, cv.start_us, cv.end_us,
               coalesce(x.session_id = p_chosen_session AND x.piece = p_chosen_piece, false) AS chosen
        FROM members m
        CROSS JOIN near x
        CROSS JOIN LATERAL (  -- each conversion once (OFFSET 0: not repeated in every condition that reads it)
            SELECT datalinker.device_to_utc_model_us(m.t0, m.t0, x.s_us, p_t + m.rel + 2147483648, 0,
                                                      x.mean_offset_us, x.mean_at_us, x.slope) AS start_us,
                   datalinker.device_to_utc_model_us(m.t1, m.t0, x.s_us, p_t + m.rel + 2147483648, 0,
                                                      x.mean_offset_us, x.mean_at_us, x.slope) AS end_us
            OFFSET 0
        ) cv
        WHERE x.mean_offset_us IS NOT NULL
          AND x.s_us < p_t + m.rel + 2 * m.w + x.reach_us AND x.e_us > p_t + m.rel - x.reach_us  -- no conversion else
          AND cv.start_us < x.e_us AND cv.end_us > x.s_us
          AND cv.start_us >= x.from_us_m AND cv.start_us < x.to_us_m  -- within the piece
    ),
    owners AS (  -- the session containing its start wins, then the earliest start, then the smallest id
        SELECT DISTINCT ON (p.k) p.*, count(*) OVER (PARTITION BY p.k, p.session_id) AS pieces_here
        FROM pairs p
        ORDER BY p.k, p.start_us < p.s_us, p.s_us, p.session_id, p.chosen DESC, p.piece
    ),
    outside AS (  -- owner-less chunks of the placed segment: no_clock when a session without a clock covers them
        SELECT m.*, CASE WHEN EXISTS (SELECT 1 FROM near x WHERE x.mean_offset_us IS NULL
                                        AND x.s_us < p_t + m.rel + m.dur AND x.e_us > p_t + m.rel)
                         THEN 'no_clock' ELSE 'outside_sessions' END AS status
        FROM members m
        WHERE p_status = 'placed' AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.k = m.k)
    )
    SELECT b.object_id, b.received_at,
           CASE WHEN b.pieces_here > 1 AND NOT b.chosen THEN 'ambiguous'  -- two clock pieces could convert it
                WHEN b.ended THEN 'placed' ELSE 'session_running' END,
           b.session_id, b.start_us, b.end_us
    FROM owners b
    UNION ALL
    -- Converted only when the segment's time is certain or the fit put chunks of it in a session (a lone chunk
    -- fitting only a session's margin is not): with the clock of the nearest session (distance to [start, reach])
    -- whose piece holds it, the placing piece first on a tie.
    SELECT o.object_id, o.received_at, o.status, NULL,
           datalinker.device_to_utc_model_us(o.t0, o.t0, w.s_us, p_t + o.rel + 2147483648, 0, w.mean_offset_us,
                                              w.mean_at_us, w.slope),
           datalinker.device_to_utc_model_us(o.t1, o.t0, w.s_us, p_t + o.rel + 2147483648, 0, w.mean_offset_us,
                                              w.mean_at_us, w.slope)
    FROM outside o
    LEFT JOIN LATERAL (  -- the session chosen first, then one conversion (not one per nearby session)
        SELECT x.s_us, x.mean_offset_us, x.mean_at_us, x.slope
        FROM near x
        WHERE o.status = 'outside_sessions' AND (p_certain OR EXISTS (SELECT 1 FROM pairs))
          AND x.mean_offset_us IS NOT NULL
          AND p_t + o.rel >= x.from_us - p_margin AND p_t + o.rel < x.to_us + p_margin  -- within the piece
        ORDER BY greatest(x.s_us - (p_t + o.rel), p_t + o.rel - x.e_us, 0),
                 coalesce(x.session_id = p_chosen_session AND x.piece = p_chosen_piece, false) DESC,
                 x.s_us, x.session_id, x.piece
        LIMIT 1
    ) w ON true
    UNION ALL
    SELECT m.object_id, m.received_at, p_status, NULL, NULL, NULL FROM members m WHERE p_status <> 'placed'
$$;

COMMENT ON FUNCTION datalinker.segment_owners(text, bigint, bigint, varchar, integer, boolean, varchar[], timestamptz[], bigint[], bigint[], bigint[], bigint[], varchar[], boolean[], bigint[], bigint[], datalinker.clock_piece[], bigint) IS $doc$A step of `chunk_placements`: each chunk of one segment (`p_ids`, received `p_received`, ticks `p_t0`/`p_t1`, `p_rel` µs from the segment's start, `p_dur`) given the segment's decision (`segment_decision`: `p_status`, start `p_t` epoch µs, `p_span`, the placing clock `p_chosen_session`/`p_chosen_piece`, `p_certain`) and the nearby sessions (`nearby_clocks`, as parallel arrays). Of a placed segment: `placed`/`session_running` with its owner session (containing its start, else the earliest it overlaps, then the smallest id) and its exact UTC (`start_us`, `end_us`) under that session's piece; `ambiguous` when two pieces of the owner could convert it and neither placed the segment; owner-less `outside_sessions` (UTC from the nearest session's piece that holds it, when `p_certain` or some chunk of the segment has an owner; else none) or `no_clock`. Of any other segment: its status, nothing else. Immutable.$doc$;
