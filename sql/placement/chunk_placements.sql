-- datalinker.chunk_placements: where each pending device-time chunk of a user belongs right now (DESIGN §2) — placed (session and exact UTC), or why not: waiting, session_running, ambiguous (with the candidate sessions), no_clock, outside_sessions. Reads only.
-- 1. Islands (chunk_islands): each chunk unwrapped against its own receipt, runs contiguous within
--    segment_gap_us; 2. segments (chunk_segments): islands chained by tick continuity, positions exact.
-- 3. Placement of a segment, in this order: anchors (placed chunks its ticks continue) — live (every chunk
--    received within live_lag_us of its end at the latest placement, the receipts spread like the
--    recording and over at least live_lag_us) —
--    buffered (inside one of the user's sessions ± session_margin_us, within max_upload_delay_us of
--    upload, not colliding with placed chunks of the same type). One placement: placed; none: waiting;
--    several: ambiguous.
-- 4. Each chunk of a placed segment goes to its owner session (contains its start, else the earliest
--    it overlaps), converted exactly with that session's clock piece (clock_pieces) whose span holds it —
--    a segment is placed with a measured piece only if it overlaps the span of that piece's measurements
--    (a separate segment wholly before the first or after the last sync may be on another boot: unseen reset) —
--    the piece the segment was placed with where two could; if nothing decides between two, ambiguous.
--    A chunk of a placed segment that no session owns (live between sessions) is outside_sessions, with its
--    UTC from the nearest session's clock when the segment's time is certain (anchored, live, or a fit that
--    put chunks of it in a session): place_user stores it, decided, and no pass reads it again until a
--    session near it is added or changed.
CREATE OR REPLACE FUNCTION datalinker.chunk_placements(p_user_id text)
RETURNS TABLE (object_id varchar, data_type varchar, received_at timestamptz, status text, session_id varchar,
               start_time timestamptz, end_time timestamptz, candidate_sessions varchar[])
LANGUAGE plpgsql STABLE
ROWS 100
SET jit = off
-- Planning this statement costs ~2.8 ms, more than running it for a small session: plan once per connection.
-- Every step is keyed by the one user, so the generic plan is the custom plan.
SET plan_cache_mode = force_generic_plan
-- A generic plan guesses the user's row counts from the whole table: every read here is one user's by index.
SET enable_seqscan = off
-- Nor can it trust its row guesses between steps (a guess of one row makes a nested loop over a step's result
-- per chunk): steps join by hash; lateral index ranges stay nested loops.
SET enable_nestloop = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_period      constant bigint := 4294967296;
    v_skew        bigint := datalinker.skew_us();
    v_gap         bigint := datalinker.setting('segment_gap_us');
    v_live        bigint := datalinker.setting('live_lag_us');
    v_delay       bigint := datalinker.setting('max_upload_delay_us');
    v_margin      bigint := datalinker.setting('session_margin_us');
BEGIN
RETURN QUERY
WITH RECURSIVE
members AS MATERIALIZED (  -- every pending chunk with its segment and exact position in it
    SELECT m.* FROM datalinker.chunk_segments(p_user_id) m
),
segments AS MATERIALIZED (
    SELECT m.data_type, m.seg, max(m.rel + m.dur) AS span,
           min(m.rcv + v_skew - m.rel) AS bound,          -- latest start the receipts allow
           max(m.rcv - m.rel - m.dur) AS lag_ref,         -- lag of the slowest chunk = lag_ref − start
           min(m.lead) AS lead_ref,                       -- lag of the fastest chunk = lead_ref − start
           -- the chunks received in step with the fastest one: over how long they arrived (a burst: at once),
           -- and how long they recorded
           max(m.rcv) FILTER (WHERE m.lead <= m.seg_lead + v_live)
               - min(m.rcv) FILTER (WHERE m.lead <= m.seg_lead + v_live) AS lead_spread,
           max(m.rel + m.dur) FILTER (WHERE m.lead <= m.seg_lead + v_live)
               - min(m.rel) FILTER (WHERE m.lead <= m.seg_lead + v_live) AS lead_length,
           (array_agg(m.t0 ORDER BY m.rel))[1] AS head_t0,
           (array_agg(m.dur ORDER BY m.rel))[1] AS head_dur,
           (array_agg(m.t1 ORDER BY m.rel DESC))[1] AS tail_t1,
           min(m.rcv) AS first_rcv, max(m.rcv) AS last_rcv
    FROM (SELECT m.*, m.rcv - m.rel - m.dur AS lead,
                 min(m.rcv - m.rel - m.dur) OVER (PARTITION BY m.data_type, m.seg) AS seg_lead
          FROM members m) m
    GROUP BY m.data_type, m.seg
),
anchor_choice AS MATERIALIZED (  -- placed chunks whose ticks the segment continues (segment_anchor)
    SELECT g.data_type, g.seg, a.t, a.conflicting
    FROM segments g
    CROSS JOIN LATERAL datalinker.segment_anchor(p_user_id, g.data_type, g.head_t0, g.tail_t1, g.span,
                                                 g.lag_ref - v_delay, g.bound + v_gap, v_gap) a
),
sess AS MATERIALIZED (
    SELECT s.session_id, s.end_time IS NOT NULL AS ended,
           datalinker.epoch_us(s.start_time) AS s_us,
           datalinker.epoch_us(datalinker.session_reach(s.user_id, s.start_time, s.end_time)) AS e_us,
           m.piece, coalesce(m.from_us, -1e18) AS from_us, coalesce(m.to_us, 1e18) AS to_us,
           coalesce(m.first_at_us, -1e18) AS core_from, coalesce(m.last_at_us, 1e18) AS core_to,
           m.mean_offset_us, m.mean_at_us, m.slope
    FROM public.sessions s
    LEFT JOIN LATERAL (  -- an ended session's clock is stored (store_session_clock); a running one's is fitted now
        SELECT c.piece, c.from_us, c.to_us, c.first_at_us, c.last_at_us, c.mean_offset_us, c.mean_at_us, c.slope
        FROM datalinker.session_clocks c
        WHERE c.session_id = s.session_id AND s.end_time IS NOT NULL
        UNION ALL
        SELECT p.piece, p.from_us, p.to_us, p.first_at_us, p.last_at_us, p.mean_offset_us, p.mean_at_us, p.slope
        FROM datalinker.clock_pieces(s.clock_offset_info, false, s.start_time,
                                     datalinker.session_reach(s.user_id, s.start_time, s.end_time)) p
        WHERE s.end_time IS NULL
    ) m ON true
    WHERE s.user_id = p_user_id
      AND s.start_time < (SELECT datalinker.from_epoch_us(max(p.rcv) + v_skew + v_margin) FROM members p)
      AND (s.end_time IS NULL
           OR s.end_time > (SELECT datalinker.from_epoch_us(min(p.rcv) - v_delay - c_period) FROM members p))
),
clocked AS (  -- every segment under every nearby clock piece: its latest placement
    SELECT g.data_type, g.seg, x.session_id, x.piece, x.from_us, x.to_us, x.core_from, x.core_to, x.ended, x.s_us, x.e_us,
           g.span, g.lag_ref, g.lead_ref, g.lead_spread, g.lead_length, g.first_rcv, g.last_rcv, g.head_dur,
           datalinker.device_to_utc_model_us(g.head_t0, g.head_t0, x.s_us, g.bound, 0,
                                              x.mean_offset_us, x.mean_at_us, x.slope) AS t_latest
    FROM segments g
    CROSS JOIN sess x
    WHERE x.mean_offset_us IS NOT NULL
      -- an anchored segment's time is its anchor's: no session's clock is asked (a live upload continuing the
      -- stream reads no session but the ones near it)
      AND NOT EXISTS (SELECT 1 FROM anchor_choice a WHERE a.data_type = g.data_type AND a.seg = g.seg)
),
fits AS MATERIALIZED (  -- every segment's possible placements under every nearby clock piece (clock_fits)
    SELECT c.data_type, c.seg, c.session_id, c.piece, c.span, f.t, f.kind
    FROM clocked c
    CROSS JOIN LATERAL datalinker.clock_fits(
        c.t_latest, c.span, c.lag_ref - v_delay, c.s_us, c.e_us, c.from_us, c.to_us, c.core_from, c.core_to,
        c.lag_ref - c.t_latest <= v_live,                                 -- every chunk within live_lag of its end
        c.last_rcv - c.first_rcv >= c.span - c.head_dur - v_live          -- receipts spread like the recording
            AND c.last_rcv - c.first_rcv >= v_live,                       -- and over at least live_lag
        c.lead_ref - c.t_latest <= v_live AND c.lead_spread > 0           -- a live run: part of it in step, its
            AND c.lead_spread >= c.lead_length - v_live,                  -- receipts spread like its recording
        v_margin) f
),
live AS (  -- streamed live under a clock of a session near that time: the latest placement is the one
    SELECT f.data_type, f.seg, min(f.t) AS t,
           (array_agg(f.session_id ORDER BY f.session_id, f.piece))[1] AS session_id,
           (array_agg(f.piece ORDER BY f.session_id, f.piece))[1] AS piece
    FROM fits f
    WHERE f.kind = 'live'
    GROUP BY f.data_type, f.seg
    HAVING max(f.t) - min(f.t) <= c_period / 2  -- live at two places (two clock pieces) decides nothing
),
buffered AS (  -- the placements in sessions, and the latest ones that compete with them (in a session or not)
    SELECT f.data_type, f.seg, CASE WHEN f.kind = 'buffered' THEN f.session_id END AS session_id, f.piece, f.span, f.t
    FROM fits f
),
viable AS (  -- one device records one stream of a type: a placement over placed chunks is impossible
    SELECT b.*
    FROM buffered b
    WHERE datalinker.time_is_free(p_user_id, b.data_type, b.t, b.t + b.span)
),
clusters AS (  -- the same placement seen through two sessions' clocks differs by ms, not by a period
    SELECT v.*, sum(v.new_cluster) OVER (PARTITION BY v.data_type, v.seg ORDER BY v.t) AS cluster
    FROM (SELECT v.*, CASE WHEN v.t - lag(v.t) OVER (PARTITION BY v.data_type, v.seg ORDER BY v.t) > c_period / 2
                           THEN 1 ELSE 0 END AS new_cluster
          FROM viable v) v
),
-- One placement: placed. Several: ambiguous, however live the latest one looks (timing alone never rules
-- out a copy one period back); a collision or an anchor from more data may settle it later.
buffered_choice AS (
    SELECT c.data_type, c.seg, count(DISTINCT c.cluster) AS n,
           CASE WHEN count(DISTINCT c.cluster) = 1 THEN min(c.t) END AS t,
           (array_agg(c.session_id ORDER BY c.session_id NULLS LAST, c.piece))[1] AS session_id,
           (array_agg(c.piece ORDER BY c.session_id NULLS LAST, c.piece))[1] AS piece,
           array_agg(DISTINCT c.session_id ORDER BY c.session_id) FILTER (WHERE c.session_id IS NOT NULL) AS sessions
    FROM clusters c
    GROUP BY c.data_type, c.seg
),
decision AS MATERIALIZED (
    SELECT g.data_type, g.seg,
           CASE WHEN a.conflicting THEN 'ambiguous'
                WHEN a.t IS NOT NULL OR l.t IS NOT NULL OR b.t IS NOT NULL THEN 'placed'
                WHEN b.n > 1 THEN 'ambiguous'
                WHEN NOT EXISTS (SELECT 1 FROM sess x WHERE x.mean_offset_us IS NOT NULL)
                     AND EXISTS (SELECT 1 FROM sess x) THEN 'no_clock'
                ELSE 'waiting'
           END AS status,
           coalesce(a.t, l.t, b.t) AS t,
           CASE WHEN a.t IS NULL THEN coalesce(l.session_id, b.session_id) END AS chosen_session,
           CASE WHEN a.t IS NULL THEN coalesce(l.piece, b.piece) END AS chosen_piece,
           CASE WHEN b.t IS NULL AND a.t IS NULL AND l.t IS NULL THEN b.sessions END AS sessions,
           -- anchored or streamed live: certain enough to store outside every session; a lone buffered fit is
           -- not (more chunks of it may still arrive and tie it to its neighbours)
           (a.t IS NOT NULL OR l.t IS NOT NULL) AS certain
    FROM segments g
    LEFT JOIN anchor_choice a ON a.data_type = g.data_type AND a.seg = g.seg
    LEFT JOIN live l ON l.data_type = g.data_type AND l.seg = g.seg
    LEFT JOIN buffered_choice b ON b.data_type = g.data_type AND b.seg = g.seg
),
nearby AS MATERIALIZED (  -- per placed segment, as arrays, the sessions its chunks are judged by: those within a
    -- period of it (candidate owners) and the last with a clock to end before it and the first to start after it
    -- (any other is farther from every chunk: the nearest clock). A chunk then reads its segment's few sessions.
    SELECT d.data_type, d.seg, array_agg(x.session_id) AS ids, array_agg(x.ended) AS ended, array_agg(x.piece) AS pieces,
           array_agg(x.s_us) AS s_us, array_agg(x.e_us) AS e_us, array_agg(x.from_us) AS from_us,
           array_agg(x.to_us) AS to_us, array_agg(x.mean_offset_us) AS mo, array_agg(x.mean_at_us) AS ma,
           array_agg(x.slope) AS sl
    FROM decision d
    JOIN segments g ON g.data_type = d.data_type AND g.seg = d.seg
    JOIN sess x
      ON (x.s_us < d.t + g.span + c_period AND x.e_us > d.t - c_period)
      OR x.e_us = (SELECT max(y.e_us) FROM sess y WHERE y.mean_offset_us IS NOT NULL AND y.e_us <= d.t)
      OR x.s_us = (SELECT min(y.s_us) FROM sess y WHERE y.mean_offset_us IS NOT NULL AND y.s_us >= d.t + g.span)
    WHERE d.status = 'placed'
    GROUP BY d.data_type, d.seg
),
judged AS MATERIALIZED (  -- each segment's decision with its nearby sessions: one row per segment, joined once
    SELECT d.*, n.ids, n.ended, n.pieces, n.s_us, n.e_us, n.from_us, n.to_us, n.mo, n.ma, n.sl
    FROM decision d
    LEFT JOIN nearby n ON n.data_type = d.data_type AND n.seg = d.seg
),
seg_sessions AS MATERIALIZED (  -- the nearby sessions (with a clock) of each placed segment, a row each
    SELECT j.data_type, j.seg, j.t, j.chosen_session, j.chosen_piece, x.*
    FROM judged j
    CROSS JOIN LATERAL unnest(j.ids, j.ended, j.pieces, j.s_us, j.e_us, j.from_us, j.to_us, j.mo, j.ma, j.sl)
         AS x(session_id, ended, piece, s_us, e_us, from_us, to_us, mean_offset_us, mean_at_us, slope)
    WHERE j.status = 'placed' AND x.mean_offset_us IS NOT NULL
),
-- The owner rule per chunk of a placed segment: each nearby session converts it with its own clock near the
-- placement; the one containing its start wins, then the earliest start, then the smallest id. Set-based:
-- chunk × nearby session pairs by one hash join, one sort (no subquery with its own sort per chunk).
pairs AS MATERIALIZED (
    SELECT m.object_id, m.data_type, m.seg, x.session_id, x.ended, x.piece, x.s_us, cv.start_us, cv.end_us,
           coalesce(x.session_id = x.chosen_session AND x.piece = x.chosen_piece, false) AS chosen
    FROM members m
    JOIN seg_sessions x ON x.data_type = m.data_type AND x.seg = m.seg
    CROSS JOIN LATERAL (
        SELECT datalinker.device_to_utc_model_us(m.t0, m.t0, x.s_us, x.t + m.rel + c_period / 2, 0,
                                                  x.mean_offset_us, x.mean_at_us, x.slope) AS start_us,
               datalinker.device_to_utc_model_us(m.t1, m.t0, x.s_us, x.t + m.rel + c_period / 2, 0,
                                                  x.mean_offset_us, x.mean_at_us, x.slope) AS end_us
    ) cv
    WHERE x.s_us < x.t + m.rel + m.dur + c_period AND x.e_us > x.t + m.rel - c_period
      AND cv.start_us < x.e_us AND cv.end_us > x.s_us
      AND cv.start_us >= x.from_us - v_margin AND cv.start_us < x.to_us + v_margin  -- within the clock piece
),
candidates AS (  -- narrow rows (the segment's session arrays are joined back at the end): they are sorted twice
    SELECT m.object_id, m.data_type, m.seg, m.created_at, m.t0, m.t1, m.rel, m.dur, j.t, j.chosen_session,
           j.chosen_piece, j.sessions, j.certain, j.status AS seg_status,
           o.session_id, o.ended, o.piece, o.s_us, o.start_us, o.end_us, coalesce(o.chosen, false) AS chosen,
           count(o.session_id) OVER (PARTITION BY m.object_id, o.session_id) AS pieces_here
    FROM members m
    JOIN decision j ON j.data_type = m.data_type AND j.seg = m.seg
    LEFT JOIN pairs o ON o.object_id = m.object_id
),
owned AS (  -- each chunk with its segment's decision, its owner session and its status (owner-less: outside)
    SELECT DISTINCT ON (c.object_id) c.*,
           CASE WHEN c.seg_status <> 'placed' THEN c.seg_status
                WHEN c.session_id IS NULL THEN 'outside_sessions'
                WHEN c.pieces_here > 1 AND NOT c.chosen THEN 'ambiguous'  -- two clock pieces could convert it
                WHEN c.ended THEN 'placed'
                ELSE 'session_running'
           END AS status
    FROM candidates c
    ORDER BY c.object_id, c.start_us < c.s_us, c.s_us, c.session_id, c.chosen DESC, c.piece
),
in_session AS MATERIALIZED (  -- placed segments some chunk of which a session owns
    SELECT DISTINCT p.data_type, p.seg FROM pairs p
),
outside AS (  -- owner-less chunks of placed segments: no_clock when a session without a clock covers them
    SELECT k.*, j.ids, j.pieces, j.s_us AS n_s_us, j.e_us AS n_e_us, j.from_us AS n_from_us, j.to_us AS n_to_us,
           j.mo, j.ma, j.sl, i.seg IS NOT NULL AS in_session,
           CASE WHEN EXISTS (SELECT 1 FROM unnest(j.s_us, j.e_us, j.mo) AS x(s_us, e_us, mo)
                             WHERE x.mo IS NULL AND x.s_us < k.t + k.rel + k.dur AND x.e_us > k.t + k.rel)
                THEN 'no_clock' ELSE 'outside_sessions' END AS outside_status
    FROM owned k
    JOIN judged j ON j.data_type = k.data_type AND j.seg = k.seg
    LEFT JOIN in_session i ON i.data_type = k.data_type AND i.seg = k.seg
    WHERE k.status = 'outside_sessions'
)
SELECT k.object_id, k.data_type, k.created_at, k.status, k.session_id,
       datalinker.from_epoch_us(k.start_us), datalinker.from_epoch_us(k.end_us), k.sessions
FROM owned k
WHERE k.status <> 'outside_sessions'
UNION ALL
-- Outside every session (live between sessions), stored only when its segment's time is certain: anchored,
-- live, or a buffered fit that put chunks of it in a session (a lone chunk fitting only a session's margin
-- is not). Converted with the clock of the nearest session to its placement (distance to [start, reach]) whose
-- piece holds it, the placing piece first on a tie.
SELECT k.object_id, k.data_type, k.created_at, k.outside_status, NULL,
       datalinker.from_epoch_us(w.start_us), datalinker.from_epoch_us(w.end_us), k.sessions
FROM outside k
LEFT JOIN LATERAL (
    SELECT datalinker.device_to_utc_model_us(k.t0, k.t0, x.s_us, k.t + k.rel + c_period / 2, 0,
                                              x.mean_offset_us, x.mean_at_us, x.slope) AS start_us,
           datalinker.device_to_utc_model_us(k.t1, k.t0, x.s_us, k.t + k.rel + c_period / 2, 0,
                                              x.mean_offset_us, x.mean_at_us, x.slope) AS end_us
    FROM (SELECT y.*
          FROM unnest(k.ids, k.pieces, k.n_s_us, k.n_e_us, k.n_from_us, k.n_to_us, k.mo, k.ma, k.sl)
               AS y(session_id, piece, s_us, e_us, from_us, to_us, mean_offset_us, mean_at_us, slope)
          WHERE k.outside_status = 'outside_sessions' AND (k.certain OR k.in_session)  -- one-time filter
            AND y.mean_offset_us IS NOT NULL
            AND k.t + k.rel >= y.from_us - v_margin AND k.t + k.rel < y.to_us + v_margin  -- within the clock piece
          ORDER BY greatest(y.s_us - (k.t + k.rel), k.t + k.rel - y.e_us, 0),
                   coalesce(y.session_id = k.chosen_session AND y.piece = k.chosen_piece, false) DESC,
                   y.s_us, y.session_id, y.piece
          LIMIT 1) x
) w ON true;
END;
$$;

COMMENT ON FUNCTION datalinker.chunk_placements(text) IS $doc$For every unlinked device-time chunk of the user, where it belongs now. status: placed (session_id and exact UTC given; place_user links it), session_running (its session has not ended), waiting (no session can take it yet), ambiguous (several placements fit; candidate_sessions), no_clock (its session has no usable clock_offset_info), outside_sessions (its time is decided and lies in no session: start_time/end_time from the nearest session's clock, session_id NULL; place_user stores it, decided; without a usable clock it has no UTC and stays pending). Read-only.

Example: `SELECT status, count(*) FROM datalinker.chunk_placements('user-001') GROUP BY 1;`$doc$;
