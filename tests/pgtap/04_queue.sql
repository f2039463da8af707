-- Queue contract (DESIGN §4, §5): end_session enqueues atomically, jobs complete or are dead-lettered.
BEGIN;
SELECT plan(10);

INSERT INTO public.sessions (session_id, user_id, start_time, clock_offset_info)
VALUES ('tapq-1', 'tapq-user', '2026-03-02 09:00+00', '{"offset_ms_avg": 12.5}');

SELECT isnt(datalinker.end_session('tapq-1', '2026-03-02 09:30+00'), NULL, 'end_session returns the msg_id');
SELECT is((SELECT count(*) FROM pgmq.q_data_linker_queue WHERE message = '{"session_id": "tapq-1"}'), 1::bigint, 'job queued');
SELECT is(datalinker.end_session('tapq-1', '2026-03-02 09:30+00'), NULL, 'same end again: no second job');
SELECT throws_ok($$SELECT datalinker.end_session('tapq-1', '2026-03-02 10:00+00')$$, 'DL005', NULL, 'different end time');
SELECT throws_ok($$SELECT datalinker.end_session('nope', now())$$, 'DL001', NULL, 'unknown session');

SELECT results_eq($$SELECT outcome, link_status FROM datalinker.process_job((SELECT msg_id FROM datalinker.claim_job(30)))$$,
                  $$VALUES ('completed'::text, 'completed'::text)$$, 'the job completes');
SELECT is((SELECT count(*) FROM pgmq.q_event_correction_queue WHERE message = '{"session_id": "tapq-1"}'), 1::bigint,
          'one downstream message');

SELECT ok((SELECT pgmq.send('data_linker_queue', '{"session": "typo"}')) > 0, 'a bad payload is queued');
SELECT results_eq($$SELECT outcome, reason FROM datalinker.process_job((SELECT msg_id FROM datalinker.claim_job(30)))$$,
                  $$VALUES ('dead_lettered'::text, 'bad_payload'::text)$$, 'a bad payload is dead-lettered');
SELECT is(datalinker.payload_problem('{"session_id": 7}'), '"session_id" is a JSON number, not a string', 'payload_problem names it');

SELECT * FROM finish();
ROLLBACK;
