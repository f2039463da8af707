-- Trust boundaries (DESIGN §7): objects a caller creates in pg_temp never run inside a SECURITY DEFINER function.
BEGIN;
SELECT plan(6);

INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info)
VALUES ('tapx-1', 'tapx-user', '2026-03-02 09:00+00', '2026-03-02 10:00+00', '{"offset_ms_avg": 12.5}');
INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type, created_at)
VALUES ('tapx/c', 'tapx-user', 1, 2, 'eeg', '2026-03-02 09:00+00');

SET LOCAL ROLE datalinker_readonly;
CREATE FUNCTION pg_temp.evil(pg_catalog.text) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.experiments (name) VALUES ('pwned') RETURNING true $$;
-- temp domains shadowing built-in types, with the attacker's code in their CHECK
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.evil(VALUE));
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (pg_temp.evil(VALUE::pg_catalog.text));
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (pg_temp.evil(VALUE::pg_catalog.text));
-- a temp table shadowing a table name, a temp function and operator shadowing built-ins
CREATE TEMP TABLE sessions (session_id text);
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT pg_catalog.now() + interval '100 years' $$;
CREATE OPERATOR pg_temp.+ (LEFTARG = pg_catalog.int8, RIGHTARG = pg_catalog.int8, FUNCTION = pg_catalog.int8mi);

-- Plain statements while the traps are set (pgTAP's own helpers would fall into them too).
CREATE TEMP TABLE called AS
SELECT 1 AS n, (SELECT count(*) FROM datalinker.doctor()) AS rows
UNION ALL SELECT 2, (SELECT count(*) FROM datalinker.status_report())
UNION ALL SELECT 3, (SELECT count(*) FROM datalinker.unplaced_chunks())
UNION ALL SELECT 4, (SELECT count(*) FROM datalinker.clock_report('tapx-1'));
DROP DOMAIN pg_temp.text, pg_temp.int8, pg_temp.timestamptz CASCADE;
RESET ROLE;

SELECT ok((SELECT rows FROM called WHERE n = 1) > 0, 'doctor ran under temp domains, tables, functions, operators');
SELECT ok((SELECT rows FROM called WHERE n = 2) > 0, 'status_report ran under them');
SELECT is((SELECT rows FROM called WHERE n = 3), 1::bigint, 'unplaced_chunks ran under them');
SELECT is((SELECT rows FROM called WHERE n = 4), 1::bigint, 'clock_report ran under them');

SELECT is((SELECT count(*) FROM public.experiments WHERE name = 'pwned'), 0::bigint,
          'no temp object ran with the owner''s rights');
SELECT is((SELECT reason FROM datalinker.unplaced_chunks('tapx-user')), 'waiting',
          'a temp table named sessions changes nothing the linker reads');

SELECT * FROM finish();
ROLLBACK;
