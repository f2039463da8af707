-- The per-segment steps chunk_placements composes (issue 21 item 4): segment_facts (what a segment's receipts say),
-- nearby_clocks (the user's sessions near the uploads, a clock piece a row), segment_decision (anchored, live,
-- buffered, ambiguous, no_clock, waiting) and segment_owners (each chunk of a decided segment to its owner).
BEGIN;
SELECT plan(23);

-- segment_facts: three 1-s chunks given out of order; the last one (rel 2 s) arrived 2 s late.
SELECT results_eq(
    $$SELECT * FROM datalinker.segment_facts('{2100,100,1100}', '{3100,1100,2100}', '{2000,0,1000}', '{1000,1000,1000}',
                                           '{9000,5000,6000}', 0, 100)$$,
    $$VALUES (3000::bigint, 5000::bigint, 6000::bigint, 4000::bigint, 1000::bigint, 2000::bigint, 100::bigint,
              1000::bigint, 3100::bigint, 5000::bigint, 9000::bigint)$$,
    'segment_facts: span, bound, slowest and fastest lag, the in-step run''s spread and length, head, tail, receipts');
SELECT is((SELECT bound FROM datalinker.segment_facts('{100}', '{1100}', '{0}', '{1000}', '{5000}', 250, 100)), 5250::bigint,
          'segment_facts: the latest start the receipts allow includes the skew');

-- nearby_clocks: user tap-n with an ended session (stored clock), a running one (fitted now), one without a clock
-- and one long over.
INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info) VALUES
    ('tap-n1', 'tap-n', '2026-03-02 09:00+00', '2026-03-02 10:00+00', '{"offset_ms_avg": -10000}'),
    ('tap-n2', 'tap-n', '2026-03-02 11:00+00', NULL, '{"offset_ms_avg": -10000}'),
    ('tap-n3', 'tap-n', '2026-03-02 06:00+00', '2026-03-02 07:00+00', NULL),
    ('tap-n4', 'tap-n', '2026-03-01 06:00+00', '2026-03-01 07:00+00', '{"offset_ms_avg": -10000}');
CREATE TEMP TABLE near AS
SELECT * FROM datalinker.nearby_clocks('tap-n', '2026-03-02 05:00+00', '2026-03-02 12:00+00');
SELECT is((SELECT array_agg(session_id::text ORDER BY session_id) FROM near), ARRAY['tap-n1', 'tap-n2', 'tap-n3'],
          'nearby_clocks: the sessions starting before the end and not ended by the start of the window');
SELECT results_eq($$SELECT ended, (clock).mean_offset_us, (clock).from_us, (clock).to_us FROM near
                    WHERE session_id IN ('tap-n1', 'tap-n2') ORDER BY session_id$$,
                  $$VALUES (true, -10000000::numeric, -1e18, 1e18), (false, -10000000::numeric, -1e18, 1e18)$$,
                  'nearby_clocks: the stored clock of an ended session, the fitted clock of a running one, open ends ±1e18');
SELECT ok((SELECT clock IS NULL FROM near WHERE session_id = 'tap-n3'), 'nearby_clocks: no usable clock: clock NULL');
SELECT is((SELECT e_us - s_us FROM near WHERE session_id = 'tap-n1'),
          datalinker.epoch_us(datalinker.session_reach('tap-n', '2026-03-02 09:00+00', '2026-03-02 10:00+00'))
              - datalinker.epoch_us('2026-03-02 09:00+00'),
          'nearby_clocks: s_us .. e_us is the session''s start .. reach');

-- segment_decision and segment_owners: a clock whose ticks read UTC (offset 0, no drift), sessions of an hour at
-- s0 and one counter period P later; a 60-s segment recorded at s0 + 100 s.
CREATE TEMP TABLE k AS
SELECT 10000000000000::bigint AS s0, 4294967296::bigint AS p,
       ROW(1, -1e18, 1e18, -1e18, 1e18, 0, 0, 0, NULL, NULL, NULL, NULL, NULL)::datalinker.clock_piece AS c,
       ROW(1, -1e18, 1e18, -1e18, 1e18, 1000, 0, 0, NULL, NULL, NULL, NULL, NULL)::datalinker.clock_piece AS c1;  -- 1 ms
-- decide(): segment_decision for the segment, times relative to s0 — anchor, conflicting, bound, lag_ref, lead_ref,
-- lead_spread, lead_length, first and last receipt; the sessions (ids, starts; an hour each; clocks); delay 7 d,
-- live_lag 30 s, margin 60 s.
CREATE FUNCTION pg_temp.decide(p_anchor bigint, p_conflicting boolean, p_bound bigint, p_lag_ref bigint,
                               p_lead_ref bigint, p_lead_spread bigint, p_lead_length bigint, p_first bigint,
                               p_last bigint, p_ids varchar[], p_s bigint[], p_clocks datalinker.clock_piece[])
RETURNS TABLE (status text, t bigint, chosen_session varchar, candidates varchar[], certain boolean)
LANGUAGE sql AS $$
    SELECT d.status, d.t - k.s0, d.chosen_session, d.candidates, d.certain
    FROM k, datalinker.segment_decision(
        'tap-d', 'eeg', k.s0 + p_anchor, p_conflicting, 60000000, k.s0 + p_bound, k.s0 + p_lag_ref, k.s0 + p_lead_ref,
        p_lead_spread, p_lead_length, datalinker.wrap_us(k.s0 + 100000000), 1000000, k.s0 + p_first, k.s0 + p_last,
        p_ids, ARRAY(SELECT k.s0 + x FROM unnest(p_s) x), ARRAY(SELECT k.s0 + x + 3600000000 FROM unnest(p_s) x),
        p_clocks, 604800000000, 30000000, 60000000) d
$$;
-- Streamed live (each 1-s chunk received 2 s after its end): bound t + 3 s, lags t + 2 s, receipts over 59 s.
SELECT results_eq($$SELECT x.* FROM k, pg_temp.decide(NULL, NULL, 103000000, 102000000, 102000000, 59000000, 60000000,
                                                 103000000, 162000000, '{S}', '{0}', ARRAY[k.c]) x$$,
                  $$VALUES ('placed', 100000000::bigint, 'S'::varchar, NULL::varchar[], true)$$,
                  'segment_decision: streamed live under a session''s clock: placed at its time, certain');
-- Buffered: all 60 chunks in one burst R three days later: bound R − 59 s, lag_ref R − 1 s, lead_ref R − 60 s.
CREATE TEMP TABLE burst AS SELECT 259200000000::bigint AS r;
SELECT results_eq($$SELECT x.* FROM k, burst, pg_temp.decide(NULL, NULL, r - 59000000, r - 1000000, r - 60000000, 0,
                                                        31000000, r, r, '{S}', '{0}', ARRAY[k.c]) x$$,
                  $$VALUES ('placed', 100000000::bigint, 'S'::varchar, NULL::varchar[], false)$$,
                  'segment_decision: uploaded in a burst days later: placed in the one session its ticks fit, not certain');
SELECT results_eq($$SELECT x.* FROM k, burst, pg_temp.decide(NULL, NULL, r - 59000000, r - 1000000, r - 60000000, 0,
                                                        31000000, r, r, '{S,T}', ARRAY[0, k.p], ARRAY[k.c, k.c]) x$$,
                  $$VALUES ('ambiguous', NULL::bigint, 'S'::varchar, '{S,T}'::varchar[], false)$$,
                  'segment_decision: fitting two sessions a counter period apart: ambiguous, both candidates');
SELECT results_eq($$SELECT x.status, x.t, x.chosen_session, x.certain FROM k, burst,
                           pg_temp.decide(5000000, false, r - 59000000, r - 1000000, r - 60000000, 0, 31000000, r, r,
                                          '{S,T}', ARRAY[0, k.p], ARRAY[k.c, k.c]) x$$,
                  $$VALUES ('placed', 5000000::bigint, NULL::varchar, true)$$,
                  'segment_decision: anchored: placed where its anchor puts it, whatever the clocks, certain');
SELECT is((SELECT x.status FROM k, burst, pg_temp.decide(5000000, true, r - 59000000, r - 1000000, r - 60000000, 0,
                                                      31000000, r, r, '{S}', '{0}', ARRAY[k.c]) x),
          'ambiguous', 'segment_decision: conflicting anchors: ambiguous');
SELECT is((SELECT x.status FROM k, burst, pg_temp.decide(NULL, NULL, r - 59000000, r - 1000000, r - 60000000, 0, 31000000,
                                                      r, r, '{S}', '{0}', ARRAY[NULL::datalinker.clock_piece]) x),
          'no_clock', 'segment_decision: the only nearby session has no usable clock: no_clock');
SELECT is((SELECT x.status FROM k, burst, pg_temp.decide(NULL, NULL, r - 59000000, r - 1000000, r - 60000000, 0, 31000000,
                                                      r, r, '{}', '{}', '{}') x),
          'waiting', 'segment_decision: no session near: waiting');
-- A placed chunk of tap-d over the first session's copy of the time: only the other placement is possible.
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, start_time_device,
                                     end_time_device, data_type)
SELECT 'tap-d1', 'tap-d', NULL, datalinker.from_epoch_us(k.s0 + 110000000), datalinker.from_epoch_us(k.s0 + 111000000),
       0, 1000000, 'eeg'
FROM k;
UPDATE public.raw_data_objects SET linked_by = 'placement' WHERE object_id = 'tap-d1';
SELECT results_eq($$SELECT x.status, x.t - k.p, x.chosen_session FROM k, burst,
                           pg_temp.decide(NULL, NULL, r - 59000000, r - 1000000, r - 60000000, 0, 31000000, r, r,
                                          '{S,T}', ARRAY[0, k.p], ARRAY[k.c, k.c]) x$$,
                  $$VALUES ('placed', 100000000::bigint, 'T'::varchar)$$,
                  'segment_decision: a placement over placed chunks of the type is impossible: the other one is placed');

-- segment_owners: two 1-s chunks (c1, c2) of a segment placed at s0 + 100 s (ticks read UTC).
CREATE FUNCTION pg_temp.owners(p_status text, p_t bigint, p_certain boolean, p_ids varchar[], p_ended boolean[],
                               p_s bigint[], p_e bigint[], p_clocks datalinker.clock_piece[])
RETURNS TABLE (object_id varchar, status text, session_id varchar, start_us bigint, end_us bigint)
LANGUAGE sql AS $$
    SELECT o.object_id, o.status, o.session_id, o.start_us - k.s0, o.end_us - k.s0
    FROM k, datalinker.segment_owners(
        p_status, k.s0 + p_t, 2000000, NULL, NULL, p_certain, '{c1,c2}', '{NULL,NULL}',
        ARRAY[datalinker.wrap_us(k.s0 + p_t), datalinker.wrap_us(k.s0 + p_t + 1000000)],
        ARRAY[datalinker.wrap_us(k.s0 + p_t + 1000000), datalinker.wrap_us(k.s0 + p_t + 2000000)], '{0,1000000}',
        '{1000000,1000000}', p_ids, p_ended, ARRAY(SELECT k.s0 + x FROM unnest(p_s) x),
        ARRAY(SELECT k.s0 + x FROM unnest(p_e) x), p_clocks, 60000000) o
    ORDER BY o.object_id
$$;
SELECT results_eq($$SELECT x.* FROM k, pg_temp.owners('placed', 100000000, false, '{S}', '{true}', '{0}', '{3600000000}',
                                                 ARRAY[k.c]) x$$,
                  $$VALUES ('c1'::varchar, 'placed', 'S'::varchar, 100000000::bigint, 101000000::bigint),
                           ('c2'::varchar, 'placed', 'S'::varchar, 101000000::bigint, 102000000::bigint)$$,
                  'segment_owners: each chunk of a placed segment to the session holding it, its UTC exact');
SELECT results_eq($$SELECT x.object_id, x.session_id FROM k, pg_temp.owners('placed', 100000000, false, '{S,T}', '{true,true}',
                                                              '{0,100500000}', '{100500000,3600000000}',
                                                              ARRAY[k.c, k.c]) x$$,
                  $$VALUES ('c1'::varchar, 'S'::varchar), ('c2'::varchar, 'T'::varchar)$$,
                  'segment_owners: a chunk belongs to the session that contains its start');
SELECT is((SELECT array_agg(x.status ORDER BY x.object_id) FROM k, pg_temp.owners('placed', 100000000, false, '{S}', '{false}',
                                                                     '{0}', '{3600000000}', ARRAY[k.c]) x),
          ARRAY['session_running', 'session_running'], 'segment_owners: its session still running: session_running');
SELECT results_eq($$SELECT x.* FROM k, pg_temp.owners('placed', 100000000, true, '{S}', '{true}', '{-7200000000}',
                                                 '{-3600000000}', ARRAY[k.c]) x$$,
                  $$VALUES ('c1'::varchar, 'outside_sessions', NULL::varchar, 100000000::bigint, 101000000::bigint),
                           ('c2'::varchar, 'outside_sessions', NULL::varchar, 101000000::bigint, 102000000::bigint)$$,
                  'segment_owners: certain and in no session: outside_sessions, its UTC from the nearest clock');
SELECT results_eq($$SELECT x.start_us FROM k, pg_temp.owners('placed', 100000000, true, '{S,L}', '{true,true}',
                                                         '{-3600000000,3600000000}', '{50000000,7200000000}',
                                                         ARRAY[k.c1, k.c]) x$$,
                  $$VALUES (99999000::bigint), (100999000::bigint)$$,
                  'segment_owners: outside every session, converted with the clock of the nearest session');
SELECT is((SELECT count(x.start_us) FROM k, pg_temp.owners('placed', 100000000, false, '{S}', '{true}', '{-7200000000}',
                                                         '{-3600000000}', ARRAY[k.c]) x),
          0::bigint, 'segment_owners: a lone buffered fit outside every session gets no UTC');
SELECT is((SELECT array_agg(x.status ORDER BY x.object_id) FROM k,
                  pg_temp.owners('placed', 100000000, true, '{S,N}', '{true,true}', '{-7200000000,0}',
                                 '{-3600000000,3600000000}', ARRAY[k.c, NULL::datalinker.clock_piece]) x),
          ARRAY['no_clock', 'no_clock'], 'segment_owners: inside a session without a clock: no_clock');
SELECT results_eq($$SELECT x.* FROM k, pg_temp.owners('waiting', NULL, false, '{S}', '{true}', '{0}', '{3600000000}',
                                                 ARRAY[k.c]) x$$,
                  $$VALUES ('c1'::varchar, 'waiting', NULL::varchar, NULL::bigint, NULL::bigint),
                           ('c2'::varchar, 'waiting', NULL::varchar, NULL::bigint, NULL::bigint)$$,
                  'segment_owners: a segment not placed: each chunk with its status, nothing else');

-- segment_owners: a drifting clock (slope −10⁻⁴) whose conversion of a chunk lands 0.43 s more than half a period
-- before its placed start (the receipt stands in at the start + 2^31): the session ending just after that start
-- still owns it (its pairs are not cut by a half-period window that forgets the slope).
SELECT results_eq(
    $$WITH q AS (SELECT k.s0 + 100000000 AS t, -0.0001::numeric AS slope, 5000000::numeric AS m, k.s0::numeric AS a
                 FROM k),
           r AS (SELECT q.*, q.t + 2147483648 AS rr, round(q.m + q.slope * (q.t + 2147483648 - q.a))::bigint AS off_r
                 FROM q),
           c AS (SELECT r.*, datalinker.wrap_us(r.rr + r.off_r + 100) AS t0 FROM r),  -- converts 2^32 − 100 before rr
           v AS (SELECT c.*, datalinker.device_to_utc_model_us(c.t0, c.t0, 0, c.rr, 0, c.m, c.a, c.slope) AS start_us
                 FROM c)
      SELECT o.status, o.session_id, o.start_us - v.start_us, v.t - 2147483648 - v.start_us > 400000
      FROM v, datalinker.segment_owners(
          'placed', v.t, 1000000, 'X', 1, true, '{c}', '{NULL}', ARRAY[v.t0], ARRAY[datalinker.wrap_us(v.t0 + 1000000)],
          '{0}', '{1000000}', '{X}', '{true}', ARRAY[v.start_us - 10000000], ARRAY[v.start_us + 200000],
          ARRAY[ROW(1, -1e18, 1e18, -1e18, 1e18, v.m, v.a, v.slope, NULL, NULL, NULL, NULL, NULL)::datalinker.clock_piece],
          60000000) o$$,
    $$VALUES ('placed', 'X'::varchar, 0::bigint, true)$$,
    'segment_owners: a sloped clock converting a chunk beyond half a period of its placement: still its owner');

SELECT * FROM finish();
ROLLBACK;
