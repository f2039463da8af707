-- Cost follows the work (issue 21): the new steps one function at a time — time_is_free, store_session_clock and the
-- session clock trigger, reopen_decided, placement_state, verify_derived; and clock_split's reset next to an outlier.
BEGIN;
SELECT plan(13);

INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info) VALUES
    ('tap-A', 'tap-u', '2026-03-02 09:00+00', '2026-03-02 09:30+00', '{"offset_ms_avg": -5}'),
    ('tap-R', 'tap-v', '2026-03-02 09:00+00', NULL, '{"offset_ms_avg": -5}');
-- Two placed device chunks of tap-u (eeg): 09:40–09:41 decided between sessions, 09:10–09:11 linked.
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, start_time_device,
                                     end_time_device, data_type, linked_by) VALUES
    ('tap-d', 'tap-u', NULL, '2026-03-02 09:40+00', '2026-03-02 09:41+00', 1, 60000001, 'eeg', 'placement'),
    ('tap-l', 'tap-u', 'tap-A', '2026-03-02 09:10+00', '2026-03-02 09:11+00', 5, 60000005, 'eeg', 'placement');

-- time_is_free: one device, one stream of a type.
SELECT ok(datalinker.time_is_free('tap-u', 'eeg', datalinker.epoch_us('2026-03-02 09:41+00'),
                                  datalinker.epoch_us('2026-03-02 09:42+00')), 'time_is_free: right after a placed chunk');
SELECT ok(NOT datalinker.time_is_free('tap-u', 'eeg', datalinker.epoch_us('2026-03-02 09:40:30+00'),
                                      datalinker.epoch_us('2026-03-02 09:45+00')), 'time_is_free: over a decided chunk, no');
SELECT ok(datalinker.time_is_free('tap-u', 'imu', datalinker.epoch_us('2026-03-02 09:40:30+00'),
                                  datalinker.epoch_us('2026-03-02 09:45+00')), 'time_is_free: another type is another stream');
INSERT INTO public.raw_data_objects (object_id, user_id, start_time, end_time, start_time_device, end_time_device, data_type)
VALUES ('tap-h', 'tap-u', '0001-01-01 00:00+00', '9999-12-31 00:00+00', 0, 1, 'imu');
SELECT ok(datalinker.time_is_free('tap-u', 'imu', datalinker.epoch_us('2026-03-02 09:40:30+00'),
                                  datalinker.epoch_us('2026-03-02 09:45+00')),
          'time_is_free: an unlinked row an uploader sent with UTC over all time occupies nothing');

-- store_session_clock and its trigger: an ended session's pieces, none for a running one.
SELECT results_eq($$SELECT session_id::text, mean_offset_us FROM datalinker.session_clocks WHERE session_id LIKE 'tap-%'$$,
                  $$VALUES ('tap-A', -5000::numeric)$$, 'session clock trigger: the ended session stored, the running one not');
UPDATE public.sessions SET end_time = '2026-03-02 09:20+00' WHERE session_id = 'tap-R';
SELECT is((SELECT count(*) FROM datalinker.session_clocks WHERE session_id = 'tap-R'), 1::bigint,
          'session clock trigger: stored when the session ends');
DELETE FROM datalinker.session_clocks WHERE session_id = 'tap-A';
SELECT is(datalinker.store_session_clock('tap-A'), 1, 'store_session_clock: rebuilds one session''s pieces');

-- verify_derived and placement_state: a stored clock that its row does not give is a difference.
SELECT is(datalinker.placement_state('tap-u') -> 'tap-d',
          '[null, "2026-03-02T09:40:00+00:00", "2026-03-02T09:41:00+00:00", false]'::jsonb,
          'placement_state: [session_id, start_time, end_time, expired]');
SELECT is_empty($$SELECT * FROM datalinker.verify_derived('tap-v')$$, 'verify_derived: nothing to report');
UPDATE datalinker.session_clocks SET slope = 0.5 WHERE session_id = 'tap-R';
SELECT results_eq($$SELECT kind, item FROM datalinker.verify_derived('tap-v')$$, $$VALUES ('session_clock', 'tap-R piece 1')$$,
                  'verify_derived: a tampered stored clock is found');

-- reopen_decided: a session added near a decided chunk sends it back to pending; far from it, not.
INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info)
VALUES ('tap-B', 'tap-u', '2026-03-02 09:45+00', '2026-03-02 09:50+00', '{"offset_ms_avg": -5}');
SELECT is((SELECT (start_time, linked_by)::text FROM public.raw_data_objects WHERE object_id = 'tap-d'), '(,)',
          'reopen_decided: a decided chunk past midway to the new session is pending again');
SELECT is((SELECT session_id FROM public.raw_data_objects WHERE object_id = 'tap-l'), 'tap-A',
          'reopen_decided: a linked chunk is never touched');

-- clock_split: a reset next to an outlier of half the reset is a reset (a pair must cancel within the noise).
SELECT is(datalinker.clock_split(ARRAY(SELECT k * 6e7 FROM generate_series(0, 9) k),
                                 ARRAY[0, 1e6, 4e5, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6]),
          ARRAY[1, 2, 2, 2, 2, 2, 2, 2, 2, 2], 'clock_split: a reset next to an outlier still splits');

SELECT * FROM finish();
ROLLBACK;
