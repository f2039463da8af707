-- link_session contract (DESIGN §3, §4, §6): one session linked whole, new-device rows kept, errors.
BEGIN;
SELECT plan(10);

INSERT INTO public.experiments (experiment_id, name) VALUES ('00000000-0000-0000-0000-00000000000e', 'pgtap');
INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, end_time, session_type, clock_offset_info)
VALUES ('tap-1', 'tap-user', '00000000-0000-0000-0000-00000000000e', '2026-03-02 09:00+00', '2026-03-02 09:30+00', 'main',
        '{"offset_ms_avg": -1712345678901.25}'),
       ('tap-running', 'tap-user', NULL, '2026-03-02 11:00+00', NULL, 'main', NULL),
       ('tap-no-offset', 'other-user', NULL, '2026-03-02 09:00+00', '2026-03-02 09:30+00', 'main', '{"rtt_ms": 4}');
-- legacy chunk: ticks of the true time 09:10:00–09:10:01; received a second later
INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type, created_at)
SELECT 'tap/legacy', 'tap-user', datalinker.wrap_us(datalinker.epoch_us(t) - 1712345678901250),
       datalinker.wrap_us(datalinker.epoch_us(t + interval '1 s') - 1712345678901250), 'eeg', t + interval '2 s'
FROM (SELECT timestamptz '2026-03-02 09:10:00+00' AS t) x;
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, data_type)
VALUES ('tap/new', 'tap-user', 'tap-1', '2026-03-02 09:11+00', '2026-03-02 09:11:01+00', 'imu');
INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type, created_at)
VALUES ('tap/needs-offset', 'other-user', 5, 1000005, 'eeg', '2026-03-02 09:10+00');
INSERT INTO public.images (object_id, user_id, session_id, captured_at) VALUES ('tap/img', 'tap-user', 'tap-1', '2026-03-02 09:05+00');

SELECT results_eq($$SELECT * FROM datalinker.link_session('tap-1')$$,
                  $$VALUES ('tap-1'::text, 'completed'::text, 1, 2, 1, 0)$$,
                  'one converted, two linked (the new-device row counted), one image');
SELECT is(start_time, timestamptz '2026-03-02 09:10:00+00', 'exact UTC start') FROM public.raw_data_objects WHERE object_id = 'tap/legacy';
SELECT is(session_id, 'tap-1', 'linked') FROM public.raw_data_objects WHERE object_id = 'tap/legacy';
SELECT is(experiment_id, '00000000-0000-0000-0000-00000000000e'::uuid, 'image got the experiment') FROM public.images WHERE object_id = 'tap/img';
SELECT results_eq($$SELECT link_status::text, link_error FROM public.sessions WHERE session_id = 'tap-1'$$,
                  $$VALUES ('completed'::text, NULL::text)$$, 'session completed');
SELECT results_eq($$SELECT objects_converted, objects_linked FROM datalinker.link_session('tap-1')$$,
                  $$VALUES (0, 2)$$, 'a re-run changes nothing');
SELECT throws_ok($$SELECT * FROM datalinker.link_session('nope')$$, 'DL001', 'unknown session ''nope''', 'unknown session');
SELECT throws_ok($$SELECT * FROM datalinker.link_session('tap-running')$$, 'DL002',
                 'session ''tap-running'' has not ended (end_time is NULL)', 'running session');
SELECT is((SELECT link_status::text FROM datalinker.link_session('tap-no-offset')), 'failed', 'no offset: failed, no raise');
SELECT matches(link_error, '^DL003: session tap-no-offset has 1 device-time chunk', 'link_error says why')
FROM public.sessions WHERE session_id = 'tap-no-offset';

SELECT * FROM finish();
ROLLBACK;
