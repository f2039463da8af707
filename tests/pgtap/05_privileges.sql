-- Privilege matrix (DESIGN §7): every project role × every entry point and table → allowed or refused.
BEGIN;
SELECT plan(20);

-- The whole matrix: every datalinker function × every project role. A function not listed is the owner's only.
-- Roles are the direct grantees; members of a role (session_manager and admin are readonly) inherit its rights.
CREATE TEMP TABLE project_roles (role text PRIMARY KEY, member_of text[]);
INSERT INTO project_roles VALUES
    ('datalinker_worker', '{}'), ('datalinker_readonly', '{}'), ('datalinker_session_manager', '{datalinker_readonly}'),
    ('datalinker_admin', '{datalinker_readonly}'), ('datalinker_ingest', '{}'), ('datalinker_bridge', '{}');

CREATE TEMP TABLE expected_exec (fn regprocedure, roles text[]);
INSERT INTO expected_exec
SELECT f::regprocedure, '{datalinker_worker,datalinker_readonly,datalinker_session_manager}'
FROM unnest(ARRAY['datalinker.device_to_utc(bigint,timestamptz,double precision,timestamptz)',
                  'datalinker.device_to_utc_us(bigint,bigint,bigint,bigint,bigint)', 'datalinker.wrap_us(bigint)',
                  'datalinker.epoch_us(timestamptz)', 'datalinker.from_epoch_us(bigint)', 'datalinker.clock_offset_us(jsonb)',
                  'datalinker.skew_us()', 'datalinker.payload_problem(jsonb)', 'datalinker.is_transient(text)',
                  'datalinker.error_codes()']) f;
INSERT INTO expected_exec VALUES
    ('datalinker.claim_job(integer,integer)',                    '{datalinker_worker}'),
    ('datalinker.process_job(bigint,integer)',                   '{datalinker_worker}'),
    ('datalinker.retry_job(bigint,integer)',                     '{datalinker_worker}'),
    ('datalinker.link_session(text)',                            '{datalinker_worker}'),
    ('datalinker.end_session(text,timestamptz)',                 '{datalinker_session_manager}'),
    ('datalinker.add_session(text,text,timestamptz,text,jsonb,uuid,text)', '{datalinker_session_manager}'),
    ('datalinker.add_experiment(uuid,text,text)',                '{datalinker_session_manager}'),
    ('datalinker.add_chunks(text[],text[],text[],timestamptz[],timestamptz[],bigint[],bigint[],text[],timestamptz[])',
                                                                 '{datalinker_ingest}'),
    ('datalinker.add_media(text,text[],text[],text[],timestamptz[],integer[])', '{datalinker_ingest}'),
    ('datalinker.set_setting(text,bigint)',                      '{datalinker_admin}'),
    ('datalinker.purge_archive(interval)',                       '{datalinker_admin}'),
    ('datalinker.verify_derived(text)',                          '{datalinker_admin}'),
    ('datalinker.calibration_sessions(text,uuid)',               '{datalinker_readonly}'),
    ('datalinker.session_objects(text)',                         '{datalinker_readonly}'),
    ('datalinker.user_timeline(text,timestamptz,timestamptz)',   '{datalinker_readonly}'),
    ('datalinker.doctor(integer,integer,integer)',               '{datalinker_readonly,datalinker_worker}'),
    ('datalinker.unplaced_chunks(text)',                         '{datalinker_readonly,datalinker_worker}'),
    ('datalinker.placement_summary()',                           '{datalinker_readonly,datalinker_worker}'),
    ('datalinker.clock_report(text)',                            '{datalinker_readonly,datalinker_worker}'),
    ('datalinker.session_status(text)',                          '{datalinker_readonly,datalinker_worker}'),
    ('datalinker.status_report()',                               '{datalinker_readonly,datalinker_worker,datalinker_bridge}'),
    ('datalinker.accept_amqp_job(text,text)',                    '{datalinker_bridge}'),
    ('datalinker.claim_events(integer,integer)',                 '{datalinker_bridge}'),
    ('datalinker.ack_event(bigint)',                             '{datalinker_bridge}'),
    ('datalinker.events_waiting()',                              '{datalinker_bridge}'),
    ('datalinker.purge_amqp_inbox(interval)',                    '{datalinker_bridge}');

SELECT is(ARRAY(SELECT m.rolname::text FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.roleid
                WHERE a.member = r.role::regrole ORDER BY 1), r.member_of, format('%s is a member of exactly %s', r.role, r.member_of))
FROM project_roles r ORDER BY r.role;

SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'datalinker'::regnamespace AND has_function_privilege(r.role, p.oid, 'EXECUTE')
                ORDER BY 1),
          ARRAY(SELECT e.fn::text FROM expected_exec e
                WHERE e.roles && (r.role || r.member_of) ORDER BY 1),
          format('%s may call exactly the functions of its row of the matrix', r.role))
FROM project_roles r ORDER BY r.role;

SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'datalinker'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')),
          '{}'::text[], 'PUBLIC may call no datalinker function');

-- Tables: which role may read or write which table of public, datalinker and pgmq (everything else is refused).
CREATE TEMP TABLE expected_table (role text, grants text[]);
INSERT INTO expected_table VALUES
    ('datalinker_worker', '{datalinker.settings:SELECT}'),
    ('datalinker_readonly', '{datalinker.settings:SELECT,public.audio_clips:SELECT,public.experiments:SELECT,public.images:SELECT,public.raw_data_objects:SELECT,public.sessions:SELECT}'),
    ('datalinker_session_manager', '{datalinker.settings:SELECT,public.audio_clips:SELECT,public.experiments:SELECT,public.images:SELECT,public.raw_data_objects:SELECT,public.sessions:SELECT}'),
    ('datalinker_admin', '{datalinker.settings:SELECT,public.audio_clips:SELECT,public.experiments:SELECT,public.images:SELECT,public.raw_data_objects:SELECT,public.sessions:SELECT}'),
    ('datalinker_ingest', '{}'), ('datalinker_bridge', '{}');

SELECT is(ARRAY(SELECT n.nspname || '.' || c.relname || ':' || priv
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) priv
                WHERE n.nspname IN ('public', 'datalinker', 'pgmq') AND c.relkind IN ('r', 'p', 'v')
                  AND NOT EXISTS (SELECT FROM pg_depend d  -- pgTAP's own views
                                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                  AND has_table_privilege(e.role, c.oid, priv) ORDER BY 1),
          e.grants, format('%s has exactly its table rights', e.role))
FROM expected_table e ORDER BY e.role;

SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
            WHERE p.pronamespace = 'datalinker'::regnamespace AND (r.rolsuper OR r.rolcanlogin)), 0::bigint,
          'no datalinker function belongs to a superuser or a login role');

SELECT * FROM finish();
ROLLBACK;
