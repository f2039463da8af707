-- Privilege matrix (DESIGN §7): every project role × every entry point and table → allowed or refused.
BEGIN;
SELECT plan(109);

CREATE TEMP TABLE expected_exec (fn text, worker bool, readonly bool, session_manager bool, admin bool);
INSERT INTO expected_exec VALUES
    ('datalinker.end_session(text,timestamptz)',                 false, false, true,  false),
    ('datalinker.link_session(text)',                            true,  false, false, false),
    ('datalinker.relink_session(text)',                          false, false, false, false),
    ('datalinker.amend_session(text,timestamptz,jsonb)',         false, false, false, false),
    ('datalinker.claim_job(integer, integer)',                   true,  false, false, false),
    ('datalinker.process_job(bigint,integer)',                   true,  false, false, false),
    ('datalinker.retry_job(bigint,integer)',                     true,  false, false, false),
    ('datalinker.requeue_dead(integer)',                         false, false, false, false),
    ('datalinker.enqueue_link(text)',                            false, false, false, false),
    ('datalinker.place_next_user()',                             true,  false, false, false),
    ('datalinker.place_user(text)',                              false, false, false, false),
    ('datalinker.chunk_placements(text)',                        false, false, false, false),
    ('datalinker.set_setting(text,bigint)',                      false, false, false, true),
    ('datalinker.doctor(integer,integer,integer)',               true,  true,  true,  true),
    ('datalinker.status_report()',                               true,  true,  true,  true),
    ('datalinker.unplaced_chunks(text)',                         true,  true,  true,  true),
    ('datalinker.clock_report(text)',                            true,  true,  true,  true),
    ('datalinker.calibration_sessions(text,uuid)',               false, true,  true,  true),
    ('datalinker.session_objects(text)',                         false, true,  true,  true),
    ('datalinker.user_timeline(text,timestamptz,timestamptz)',   false, true,  true,  true),
    ('datalinker.session_status(text)',                          true,  true,  true,  true),
    ('datalinker.purge_archive(interval)',                       false, false, false, true);

SELECT is(has_function_privilege(r.role, e.fn, 'EXECUTE'), r.allowed,
          format('%s %s %s', r.role, CASE WHEN r.allowed THEN 'may call' ELSE 'may not call' END, e.fn))
FROM expected_exec e
CROSS JOIN LATERAL (VALUES ('datalinker_worker', e.worker), ('datalinker_readonly', e.readonly),
                           ('datalinker_session_manager', e.session_manager), ('datalinker_admin', e.admin)) r(role, allowed);

CREATE TEMP TABLE expected_table (tbl text, priv text, worker bool, readonly bool);
INSERT INTO expected_table VALUES
    ('public.sessions', 'SELECT', false, true), ('public.sessions', 'UPDATE', false, false),
    ('public.raw_data_objects', 'SELECT', false, true), ('public.raw_data_objects', 'UPDATE', false, false),
    ('public.raw_data_objects', 'DELETE', false, false), ('datalinker.settings', 'SELECT', true, true),
    ('datalinker.settings', 'UPDATE', false, false), ('datalinker.placement_requests', 'SELECT', false, false),
    ('datalinker.placement_requests', 'DELETE', false, false), ('pgmq.q_data_linker_queue', 'SELECT', false, false);

SELECT is(has_table_privilege(r.role, e.tbl, e.priv), r.allowed,
          format('%s %s %s on %s', r.role, CASE WHEN r.allowed THEN 'has' ELSE 'has no' END, e.priv, e.tbl))
FROM expected_table e
CROSS JOIN LATERAL (VALUES ('datalinker_worker', e.worker), ('datalinker_readonly', e.readonly)) r(role, allowed);

SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
            WHERE p.pronamespace = 'datalinker'::regnamespace AND (r.rolsuper OR r.rolcanlogin)), 0::bigint,
          'no datalinker function belongs to a superuser or a login role');

SELECT * FROM finish();
ROLLBACK;
