-- datalinker.segment_decision: how one segment is placed (DESIGN §2) — by its anchor (segment_anchor), else streamed live under one session's clock, else buffered into exactly one session (clock_fits, on time free of placed chunks): status placed (t, its start, epoch µs; the session and piece that placed it; certain when anchored or live), ambiguous (several placements or conflicting anchors; the candidate sessions), no_clock (no nearby session has a usable clock) or waiting.
-- Plain SQL without SET so the planner inlines it into chunk_placements; the sessions are nearby_clocks' rows as
-- parallel arrays. One placement: placed; several: ambiguous, however live the latest one looks (timing alone never
-- rules out a copy one period back); a collision or an anchor from more data may settle it later.
CREATE OR REPLACE FUNCTION datalinker.segment_decision(
    p_user_id text, p_data_type text, p_anchor_t bigint, p_anchor_conflicting boolean,
    p_span bigint, p_bound bigint, p_lag_ref bigint, p_lead_ref bigint, p_lead_spread bigint, p_lead_length bigint,
    p_head_t0 bigint, p_head_dur bigint, p_first_rcv bigint, p_last_rcv bigint,
    p_sessions varchar[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[],
    p_delay bigint, p_live bigint, p_margin bigint)
RETURNS TABLE (status text, t bigint, chosen_session varchar, chosen_piece integer, candidates varchar[], certain boolean)
LANGUAGE sql STABLE
AS $$
    WITH fits AS (  -- every placement under every nearby clock piece, unless anchored (the anchor's time is its time)
        SELECT x.session_id, x.piece, f.t, f.kind
        FROM (SELECT c.*, p_sessions[c.ordinality] AS session_id, p_s_us[c.ordinality] AS s_us,
                     p_e_us[c.ordinality] AS e_us
              FROM unnest(p_clocks) WITH ORDINALITY AS c) x
        CROSS JOIN LATERAL (  -- its latest placement under this piece
            SELECT datalinker.device_to_utc_model_us(p_head_t0, p_head_t0, x.s_us, p_bound, 0, x.mean_offset_us,
                                                      x.mean_at_us, x.slope) AS latest) l
        CROSS JOIN LATERAL datalinker.clock_fits(
            l.latest, p_span, p_lag_ref - p_delay, x.s_us, x.e_us, x.from_us, x.to_us, x.first_at_us,
            x.last_at_us,
            p_lag_ref - l.latest <= p_live,                                    -- every chunk within live_lag of its end
            p_last_rcv - p_first_rcv >= p_span - p_head_dur - p_live           -- receipts spread like the recording
                AND p_last_rcv - p_first_rcv >= p_live,                        -- and over at least live_lag
            p_lead_ref - l.latest <= p_live AND p_lead_spread > 0              -- a live run: part of it in step, its
                AND p_lead_spread >= p_lead_length - p_live,                   -- receipts spread like its recording
            p_margin) f
        WHERE x.mean_offset_us IS NOT NULL AND p_anchor_t IS NULL
    ),
    live AS (  -- streamed live under a clock of a session near that time: the latest placement is the one
        SELECT min(f.t) AS t, (array_agg(f.session_id ORDER BY f.session_id, f.piece))[1] AS session_id,
               (array_agg(f.piece ORDER BY f.session_id, f.piece))[1] AS piece
        FROM fits f
        WHERE f.kind = 'live'
        HAVING count(*) > 0 AND max(f.t) - min(f.t) <= 2147483648  -- live at two places decides nothing
    ),
    viable AS (  -- one device records one stream of a type: a placement over placed chunks is impossible
        SELECT CASE WHEN f.kind = 'buffered' THEN f.session_id END AS session_id, f.piece, f.t,
               -- the same placement seen through two sessions' clocks differs by ms, not by a period
               CASE WHEN f.t - lag(f.t) OVER (ORDER BY f.t) > 2147483648 THEN 1 ELSE 0 END AS new_cluster
        FROM fits f
        WHERE datalinker.time_is_free(p_user_id, p_data_type, f.t, f.t + p_span)
    ),
    buffered AS (  -- the placements in sessions, and the latest ones that compete with them (in a session or not)
        SELECT count(DISTINCT c.cluster) AS n, CASE WHEN count(DISTINCT c.cluster) = 1 THEN min(c.t) END AS t,
               (array_agg(c.session_id ORDER BY c.session_id NULLS LAST, c.piece))[1] AS session_id,
               (array_agg(c.piece ORDER BY c.session_id NULLS LAST, c.piece))[1] AS piece,
               array_agg(DISTINCT c.session_id ORDER BY c.session_id) FILTER (WHERE c.session_id IS NOT NULL) AS sessions
        FROM (SELECT v.*, sum(v.new_cluster) OVER (ORDER BY v.t) AS cluster FROM viable v) c
    )
    SELECT CASE WHEN p_anchor_conflicting THEN 'ambiguous'
                WHEN p_anchor_t IS NOT NULL OR l.t IS NOT NULL OR b.t IS NOT NULL THEN 'placed'
                WHEN b.n > 1 THEN 'ambiguous'
                WHEN cardinality(p_sessions) > 0
                     AND NOT EXISTS (SELECT 1 FROM unnest(p_clocks) c WHERE c.mean_offset_us IS NOT NULL) THEN 'no_clock'
                ELSE 'waiting'
           END,
           coalesce(p_anchor_t, l.t, b.t),
           CASE WHEN p_anchor_t IS NULL THEN coalesce(l.session_id, b.session_id) END,
           CASE WHEN p_anchor_t IS NULL THEN coalesce(l.piece, b.piece) END,
           CASE WHEN b.t IS NULL AND p_anchor_t IS NULL AND l.t IS NULL THEN b.sessions END,
           -- anchored or streamed live: certain enough to store outside every session; a lone buffered fit is not
           -- (more chunks of it may still arrive and tie it to its neighbours)
           p_anchor_t IS NOT NULL OR l.t IS NOT NULL
    FROM buffered b
    LEFT JOIN live l ON true
$$;

COMMENT ON FUNCTION datalinker.segment_decision(text, text, bigint, boolean, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, varchar[], bigint[], bigint[], datalinker.clock_piece[], bigint, bigint, bigint) IS $doc$A step of `chunk_placements`: the placement of one segment of the user's `p_data_type` chunks — its anchor (`p_anchor_t`, `p_anchor_conflicting` from `segment_anchor`), its facts (`segment_facts`) and the nearby sessions' clock pieces as parallel arrays (`nearby_clocks`: session ids, start and reach in epoch µs, `datalinker.clock_piece`) under the settings `max_upload_delay_us`, `live_lag_us` and `session_margin_us`. One row: `status` placed (`t` its start, epoch µs; `chosen_session`/`chosen_piece` the clock that placed it, NULL when anchored; `certain` when anchored or streamed live), ambiguous (`candidates`: the sessions it fits, when buffered), no_clock or waiting. Read-only.$doc$;
