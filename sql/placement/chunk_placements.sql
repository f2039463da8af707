-- datalinker.chunk_placements: where each pending device-time chunk of a user belongs right now (DESIGN §2) — placed (session and exact UTC), or why not: waiting, session_running, ambiguous (with the candidate sessions), no_clock, outside_sessions. Reads only.
-- The composition of its steps, each a function of its own:
-- 1. chunk_segments: pending chunks in segments (islands unwrapped against their receipts, chained by tick
--    continuity), positions exact; segment_facts: what a segment's receipts say of its placement.
-- 2. nearby_clocks: the user's sessions near the pending uploads with their clock pieces.
-- 3. segment_anchor, segment_decision: a segment is placed by placed chunks its ticks continue, else streamed
--    live, else buffered in exactly one session (clock_fits); several placements: ambiguous; none: waiting.
-- 4. segment_owners: each chunk of a placed segment to its owner session, converted exactly with its clock piece;
--    owner-less chunks are outside_sessions, with their UTC when the segment's time is certain: place_user stores
--    them, decided, and no pass reads them again until a session near them is added or changed.
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
WITH segments AS MATERIALIZED (  -- each segment of pending chunks, its chunks as parallel arrays, and its facts
    SELECT g.*, f.*
    FROM (SELECT m.data_type, m.seg, array_agg(m.object_id) AS ids, array_agg(m.created_at) AS created,
                 array_agg(m.t0) AS t0, array_agg(m.t1) AS t1, array_agg(m.rel) AS rel, array_agg(m.dur) AS dur,
                 array_agg(m.rcv) AS rcv
          FROM datalinker.chunk_segments(p_user_id) m
          GROUP BY m.data_type, m.seg) g
    CROSS JOIN LATERAL datalinker.segment_facts(g.t0, g.t1, g.rel, g.dur, g.rcv, v_skew, v_live) f
),
clocks AS MATERIALIZED (  -- sessions that may hold a pending chunk: one row of parallel arrays
    SELECT array_agg(c.session_id) AS ids, array_agg(c.ended) AS ended, array_agg(c.s_us) AS s_us,
           array_agg(c.e_us) AS e_us, array_agg(c.clock) AS clocks
    FROM (SELECT min(g.first_rcv) AS first_rcv, max(g.last_rcv) AS last_rcv FROM segments g) r
    CROSS JOIN LATERAL datalinker.nearby_clocks(p_user_id, datalinker.from_epoch_us(r.first_rcv - v_delay - c_period),
                                                datalinker.from_epoch_us(r.last_rcv + v_skew + v_margin)) c
)
SELECT o.object_id, g.data_type, o.received_at, o.status, o.session_id,
       datalinker.from_epoch_us(o.start_us), datalinker.from_epoch_us(o.end_us), d.candidates
FROM segments g
CROSS JOIN clocks c
LEFT JOIN LATERAL datalinker.segment_anchor(p_user_id, g.data_type, g.head_t0, g.tail_t1, g.span,
                                            g.lag_ref - v_delay, g.bound + v_gap, v_gap) a ON true
CROSS JOIN LATERAL datalinker.segment_decision(
    p_user_id, g.data_type, a.t, a.conflicting, g.span, g.bound, g.lag_ref, g.lead_ref, g.lead_spread,
    g.lead_length, g.head_t0, g.head_dur, g.first_rcv, g.last_rcv, c.ids, c.s_us, c.e_us, c.clocks,
    v_delay, v_live, v_margin) d
CROSS JOIN LATERAL datalinker.segment_owners(
    d.status, d.t, g.span, d.chosen_session, d.chosen_piece, d.certain, g.ids, g.created, g.t0, g.t1, g.rel, g.dur,
    c.ids, c.ended, c.s_us, c.e_us, c.clocks, v_margin) o;
END;
$$;

COMMENT ON FUNCTION datalinker.chunk_placements(text) IS $doc$For every unlinked device-time chunk of the user, where it belongs now. status: placed (session_id and exact UTC given; place_user links it), session_running (its session has not ended), waiting (no session can take it yet), ambiguous (several placements fit; candidate_sessions), no_clock (its session has no usable clock_offset_info), outside_sessions (its time is decided and lies in no session: start_time/end_time from the nearest session's clock, session_id NULL; place_user stores it, decided; without a usable clock it has no UTC and stays pending). Read-only.

Example: `SELECT status, count(*) FROM datalinker.chunk_placements('user-001') GROUP BY 1;`$doc$;
