-- Steps of chunk_placements one function at a time (issue 21 item 4): chunk_islands (each pending chunk
-- unwrapped against its own receipt, runs contiguous within segment_gap_us), chunk_segments (islands chained by
-- tick continuity, positions exact), segment_anchor (placed chunks a segment's ticks continue place it) and
-- clock_fits (a segment's placements under one clock piece).
BEGIN;
SELECT plan(24);

-- One user, one type; ticks of a device whose counter reads UTC − 10 s at receipt R (base), so u is R − 10 s + k.
CREATE TEMP TABLE tap_chunk (object_id text, k_from bigint, k_to bigint, received timestamptz, session_id text);
INSERT INTO tap_chunk VALUES
    ('a1', 1000000, 2000000, '2026-03-02 10:00+00', NULL),   -- a1..a3 contiguous (a3 500 µs after a2): one island
    ('a2', 2000000, 3000000, '2026-03-02 10:00+00', NULL),
    ('a3', 3000500, 4000500, '2026-03-02 10:00+00', NULL),
    ('a4', 4010000, 5000000, '2026-03-02 10:00+00', NULL),   -- 9.5 ms after a3: another island, another segment
    ('b1', 10000000, 11000000, '2026-03-02 10:00+00', NULL),  -- b2 continues b1's ticks, uploaded a day later
    ('b2', 11000000, 12000000, '2026-03-03 10:00+00', NULL),
    ('c1', 50000000, 51000000, '2026-03-02 10:00+00', NULL),  -- the same ticks twice in one burst: each alone
    ('c2', 50000000, 51000000, '2026-03-02 10:00+00', NULL),
    ('c3', 51000000, 52000000, '2026-03-02 10:00+00', NULL),  -- right after them: an island of its own
    ('d1', 30000000, 31000000, '2026-03-02 10:00+00', NULL),  -- two uploads both continue d1: a tie chains nothing
    ('d2', 31000000, 32000000, '2026-03-03 10:00+00', NULL),
    ('d3', 31000000, 32000000, '2026-03-04 10:00+00', NULL),
    ('e1', 60000000, 61000000, '2026-03-02 10:00+00', 'tap-S'); -- linked: not pending
INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info)
VALUES ('tap-S', 'tap-s', '2026-03-02 09:00+00', '2026-03-02 09:30+00', '{"offset_ms_avg": -10000}');
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, start_time_device,
                                     end_time_device, data_type, created_at)
SELECT c.object_id, 'tap-s', c.session_id,
       CASE WHEN c.session_id IS NOT NULL THEN timestamptz '2026-03-02 09:10+00' END,
       CASE WHEN c.session_id IS NOT NULL THEN timestamptz '2026-03-02 09:11+00' END,
       datalinker.wrap_us(b.base + c.k_from), datalinker.wrap_us(b.base + c.k_to), 'eeg', c.received
FROM tap_chunk c
CROSS JOIN (SELECT datalinker.epoch_us('2026-03-02 10:00+00') - 10000000 AS base) b;

CREATE TEMP TABLE isl AS SELECT * FROM datalinker.chunk_islands('tap-s');
CREATE TEMP TABLE seg AS SELECT * FROM datalinker.chunk_segments('tap-s');

SELECT is((SELECT count(DISTINCT island) FROM isl WHERE object_id IN ('a1', 'a2', 'a3')), 1::bigint,
          'chunk_islands: chunks contiguous within segment_gap_us form one island');
SELECT isnt((SELECT island FROM isl WHERE object_id = 'a4'), (SELECT island FROM isl WHERE object_id = 'a3'),
            'chunk_islands: a gap over segment_gap_us starts another');
SELECT is((SELECT u FROM isl WHERE object_id = 'a2') - (SELECT u FROM isl WHERE object_id = 'a1'), 1000000::bigint,
          'chunk_islands: u is exact, receipt-unwrapped');
SELECT is((SELECT count(DISTINCT island) FROM isl WHERE object_id IN ('c1', 'c2')), 2::bigint,
          'chunk_islands: chunks overlapping in u (the same ticks) stand alone');
SELECT is((SELECT count(DISTINCT island) FROM isl WHERE object_id IN ('c1', 'c2', 'c3')), 3::bigint,
          'chunk_islands: a chunk right after chunks standing alone does not join them');
SELECT is((SELECT array_agg(object_id ORDER BY object_id) FROM isl),
          ARRAY['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1', 'c2', 'c3', 'd1', 'd2', 'd3']::varchar[],
          'chunk_islands: only pending chunks (a linked one is not read)');

SELECT results_eq($$SELECT object_id::text, rel - min(rel) OVER () FROM seg WHERE object_id IN ('b1', 'b2') ORDER BY 1$$,
                  $$VALUES ('b1', 0::bigint), ('b2', 1000000::bigint)$$,
                  'chunk_segments: an upload a day later continuing the ticks joins the segment, its position exact');
SELECT is((SELECT count(DISTINCT seg) FROM seg WHERE object_id IN ('a1', 'a2', 'a3')), 1::bigint,
          'chunk_segments: an island is one segment');
SELECT isnt((SELECT seg FROM seg WHERE object_id = 'a4'), (SELECT seg FROM seg WHERE object_id = 'a1'),
            'chunk_segments: ticks 9.5 ms apart do not chain');
SELECT is((SELECT count(DISTINCT seg) FROM seg WHERE object_id IN ('d1', 'd2', 'd3')), 3::bigint,
          'chunk_segments: two uploads continuing the same island (a tie) chain nothing');

-- segment_anchor: e1 (linked, 09:10–09:11 UTC, ticks base+60 s .. base+61 s) anchors what its ticks continue.
CREATE TEMP TABLE tick AS SELECT datalinker.epoch_us('2026-03-02 10:00+00') - 10000000 AS base;
SELECT is((SELECT a.t FROM tick, datalinker.segment_anchor('tap-s', 'eeg', datalinker.wrap_us(base + 61000000),
                                                            datalinker.wrap_us(base + 62000000), 1000000,
                                                            datalinker.epoch_us('2026-03-02 09:00+00'),
                                                            datalinker.epoch_us('2026-03-02 10:00+00'), 1000) a),
          datalinker.epoch_us('2026-03-02 09:11+00'), 'segment_anchor: a segment continuing a placed chunk starts at its end');
SELECT is((SELECT a.t FROM tick, datalinker.segment_anchor('tap-s', 'eeg', datalinker.wrap_us(base + 58999500),
                                                            datalinker.wrap_us(base + 60000000), 1000500,
                                                            datalinker.epoch_us('2026-03-02 09:00+00'),
                                                            datalinker.epoch_us('2026-03-02 10:00+00'), 1000) a),
          datalinker.epoch_us('2026-03-02 09:10+00') - 1000500, 'segment_anchor: one a placed chunk continues ends at its start');
SELECT is_empty($$SELECT * FROM tick, datalinker.segment_anchor('tap-s', 'eeg', datalinker.wrap_us(base + 61000000),
                                                                datalinker.wrap_us(base + 62000000), 1000000,
                                                                datalinker.epoch_us('2026-03-02 09:20+00'),
                                                                datalinker.epoch_us('2026-03-02 10:00+00'), 1000)$$,
                'segment_anchor: an anchor outside the times the receipts allow places nothing');
-- e2: the same end tick one counter period later; both anchor, half a period or more apart.
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, start_time_device,
                                     end_time_device, data_type)
SELECT 'e2', 'tap-s', 'tap-S', timestamptz '2026-03-02 09:10+00' + interval '4294.967296 seconds',
       timestamptz '2026-03-02 09:11+00' + interval '4294.967296 seconds',
       datalinker.wrap_us(base + 60000000), datalinker.wrap_us(base + 61000000), 'eeg'
FROM tick;
SELECT is((SELECT a.conflicting FROM tick, datalinker.segment_anchor('tap-s', 'eeg', datalinker.wrap_us(base + 61000000),
                                                                      datalinker.wrap_us(base + 62000000), 1000000,
                                                                      datalinker.epoch_us('2026-03-02 09:00+00'),
                                                                      datalinker.epoch_us('2026-03-02 12:00+00'), 1000) a),
          true, 'segment_anchor: anchors a period apart conflict');

-- The placed chunks' tick indexes are keyed by UTC day (migration 0016): an anchor is read on the day its own end
-- (head side) or start (tail side) falls on, days after the window's start too. m1 ends at midnight; m2 starts
-- just after the midnight that a segment ending at its start (tail side) runs into.
INSERT INTO public.raw_data_objects (object_id, user_id, start_time, end_time, start_time_device, end_time_device,
                                     data_type, linked_by) VALUES
    ('m1', 'tap-m', '2026-03-05 23:59:59+00', '2026-03-06 00:00:00+00', 1000000000, 1001000000, 'eeg', 'placement'),
    ('m2', 'tap-m', '2026-03-07 00:00:00.5+00', '2026-03-07 00:00:01.5+00', 2000000000, 2001000000, 'eeg', 'placement');
SELECT is((SELECT a.t FROM datalinker.segment_anchor('tap-m', 'eeg', 1001000000, 1002000000, 1000000,
                                                     datalinker.epoch_us('2026-03-03 00:00+00'),
                                                     datalinker.epoch_us('2026-03-08 00:00+00'), 1000) a),
          datalinker.epoch_us('2026-03-06 00:00+00'),
          'segment_anchor: a chunk ending at midnight, days after the window starts, anchors the segment it continues');
SELECT is((SELECT a.t FROM datalinker.segment_anchor('tap-m', 'eeg', 1999000000, 2000000000, 1000000,
                                                     datalinker.epoch_us('2026-03-06 12:00+00'),
                                                     datalinker.epoch_us('2026-03-06 23:59:59.5+00'), 1000) a),
          datalinker.epoch_us('2026-03-06 23:59:59.5+00'),
          'segment_anchor: a chunk starting the day after the latest start anchors the segment ending at its start');
-- Across the wrap: w1 ends 200 µs before the counter wraps, and a segment starts 300 µs after it (head side); w2
-- starts 100 µs after the wrap, and a segment ends 400 µs before it (tail side).
INSERT INTO public.raw_data_objects (object_id, user_id, start_time, end_time, start_time_device, end_time_device,
                                     data_type, linked_by) VALUES
    ('w1', 'tap-w', '2026-03-05 10:00:00+00', '2026-03-05 10:00:01+00', 4294967296 - 1000200, 4294967296 - 200, 'eeg',
     'placement'),
    ('w2', 'tap-w', '2026-03-05 11:00:00+00', '2026-03-05 11:00:01+00', 100, 1000100, 'eeg', 'placement');
SELECT is((SELECT a.t FROM datalinker.segment_anchor('tap-w', 'eeg', 300, 1000300, 1000000,
                                                     datalinker.epoch_us('2026-03-05 09:00+00'),
                                                     datalinker.epoch_us('2026-03-05 12:00+00'), 1000) a),
          datalinker.epoch_us('2026-03-05 10:00:01+00') + 500,
          'segment_anchor: a segment starting after the counter wrapped continues the chunk ending before it');
SELECT is((SELECT a.t FROM datalinker.segment_anchor('tap-w', 'eeg', 4294967296 - 1000400, 4294967296 - 400, 1000000,
                                                     datalinker.epoch_us('2026-03-05 09:00+00'),
                                                     datalinker.epoch_us('2026-03-05 12:00+00'), 1000) a),
          datalinker.epoch_us('2026-03-05 11:00+00') - 500 - 1000000,
          'segment_anchor: a segment ending before the counter wrapped is continued by the chunk starting after it');
SELECT is(datalinker.utc_days(datalinker.epoch_us('2026-03-05 23:00+00'), datalinker.epoch_us('2026-03-07 00:00+00')),
          ARRAY['2026-03-05', '2026-03-06', '2026-03-07']::date[],
          'utc_days: every UTC day from the one holding the start to the one holding the end');

-- clock_fits: a session 10^13 µs .. +1 h, a 60-s segment; P = 2^32 µs. Arguments: latest, span, earliest, session
-- from/to, piece from/to, measured from/to, lags live, receipts spread, live run, margin (60 s).
CREATE TEMP TABLE fit_s AS SELECT 10000000000000::bigint AS s0;
SELECT results_eq($$SELECT f.t - s0, f.kind FROM fit_s, datalinker.clock_fits(s0 + 100000000, 60000000, 0, s0, s0 + 3600000000,
                                                   -1e18, 1e18, -1e18, 1e18, true, true, false, 60000000) f ORDER BY 2$$,
                  $$VALUES (100000000::bigint, 'buffered'), (100000000::bigint, 'live')$$,
                  'clock_fits: a segment streamed in step in the session: live, and a placement in the session');
SELECT results_eq($$SELECT f.t - s0, f.kind FROM fit_s, datalinker.clock_fits(s0 + 100000000 + 4294967296, 60000000, 0, s0,
                                                   s0 + 3600000000, -1e18, 1e18, -1e18, 1e18, false, false, false,
                                                   60000000) f$$,
                  $$VALUES (100000000::bigint, 'buffered')$$,
                  'clock_fits: uploaded a period later, not live: the placement one period back, in the session');
SELECT results_eq($$SELECT f.kind FROM fit_s, datalinker.clock_fits(s0 + 100000000, 60000000, 0, s0, s0 + 3600000000,
                                                   -1e18, 1e18, -1e18, 1e18, true, false, false, 60000000) f ORDER BY 1$$,
                  $$VALUES ('buffered'), ('competitor')$$,
                  'clock_fits: live lags without receipts spread like the recording only compete');
SELECT is_empty($$SELECT * FROM fit_s, datalinker.clock_fits(s0 + 100000000 + 4294967296, 60000000, s0 + 4294967296, s0,
                                                s0 + 3600000000, -1e18, 1e18, -1e18, 1e18, false, false, false, 60000000)$$,
                'clock_fits: a placement before the upload delay allows is none');
SELECT is_empty($$SELECT * FROM fit_s, datalinker.clock_fits(s0 + 100000000, 60000000, 0, s0, s0 + 3600000000,
                                                s0 + 2000000000, 1e18, -1e18, 1e18, true, true, false, 60000000)$$,
                'clock_fits: nothing outside the clock piece');

SELECT * FROM finish();
ROLLBACK;
