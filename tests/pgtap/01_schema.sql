-- Schema contract (DESIGN §1): tables, key columns, indexes, foreign keys, roles, the API's signatures.
-- Run: pg_prove -d <migrated database with CREATE EXTENSION pgtap> tests/pgtap/*.sql
BEGIN;
SELECT plan(35);

SELECT has_table('public', t, 'table public.' || t) FROM unnest(ARRAY['experiments', 'sessions', 'raw_data_objects', 'images', 'audio_clips']) t;
SELECT hasnt_table('public', 'session_object_links', 'the seed''s link table is gone');

SELECT col_type_is('public', 'sessions', 'clock_offset_info', 'jsonb', 'sessions.clock_offset_info is jsonb');
SELECT col_default_is('public', 'sessions', 'link_status', 'pending'::character varying, 'sessions start pending');
SELECT col_not_null('public', 'sessions', 'link_status', 'link_status is never NULL');
SELECT has_column('public', 'sessions', c, 'sessions.' || c) FROM unnest(ARRAY['link_error', 'linked_at', 'calibration_for_session_id']) c;
SELECT col_type_is('public', 'raw_data_objects', 'start_time_device', 'bigint', 'device ticks are bigint');
SELECT col_is_null('public', 'raw_data_objects', 'session_id', 'raw_data_objects.session_id is nullable');
SELECT fk_ok('public', 'raw_data_objects', ARRAY['user_id', 'session_id'], 'public', 'sessions', ARRAY['user_id', 'session_id'],
             'a chunk references a session of its own user');
SELECT fk_ok('public', 'images', 'experiment_id', 'public', 'experiments', 'experiment_id');

SELECT has_index('public', 'raw_data_objects', 'raw_data_objects_user_range_idx', 'GiST on (user_id, tstzrange)');
SELECT has_index('public', 'raw_data_objects', 'raw_data_objects_pending_device_idx', 'pending legacy chunks by receipt time');
SELECT has_index('public', 'raw_data_objects', 'raw_data_objects_session_idx', 'objects of a session in time order');
SELECT has_index('public', 'sessions', 'sessions_user_experiment_type_idx', 'calibration sessions of user A in experiment B');

SELECT has_role(r) FROM unnest(ARRAY['datalinker_worker', 'datalinker_readonly', 'datalinker_session_manager']) r;

SELECT has_function('datalinker', 'link_session', ARRAY['text'], 'link_session(text)');
SELECT has_function('datalinker', 'device_to_utc', ARRAY['bigint', 'timestamp with time zone', 'double precision', 'timestamp with time zone']);
SELECT has_function('datalinker', 'end_session', ARRAY['text', 'timestamp with time zone']);
SELECT has_function('datalinker', 'process_job', ARRAY['bigint', 'integer']);
SELECT is_definer('datalinker', f, 'datalinker.' || f || ' runs as its owner')
FROM unnest(ARRAY['link_session', 'end_session', 'claim_job', 'process_job', 'retry_job']) f;
SELECT isnt_definer('datalinker', 'device_to_utc', 'pure conversion needs no rights');
SELECT function_privs_are('datalinker', 'link_session', ARRAY['text'], 'datalinker_readonly', ARRAY[]::text[],
                          'readonly may not link');
SELECT table_privs_are('public', 'raw_data_objects', 'datalinker_worker', ARRAY[]::text[], 'the worker has no table rights');

SELECT * FROM finish();
ROLLBACK;
