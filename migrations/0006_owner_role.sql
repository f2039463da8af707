-- 0006 owner role: every datalinker object belongs to datalinker_owner, a NOLOGIN, non-superuser role, so a
-- SECURITY DEFINER function runs with exactly what datalinker needs, never with the rights of the superuser
-- that ran the migrations. Functions are handed over after every migrate (datalinker/sqlsource.py).
-- Append-only.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_owner') THEN
        CREATE ROLE datalinker_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

ALTER SCHEMA datalinker OWNER TO datalinker_owner;
ALTER TABLE public.experiments OWNER TO datalinker_owner;
ALTER TABLE public.sessions OWNER TO datalinker_owner;
ALTER TABLE public.raw_data_objects OWNER TO datalinker_owner;
ALTER TABLE public.images OWNER TO datalinker_owner;
ALTER TABLE public.audio_clips OWNER TO datalinker_owner;
ALTER TABLE datalinker.settings OWNER TO datalinker_owner;
ALTER TABLE datalinker.placement_requests OWNER TO datalinker_owner;

-- The queues: what pgmq's functions need to read, send, archive and delete on our queues.
GRANT USAGE ON SCHEMA pgmq TO datalinker_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgmq TO datalinker_owner;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pgmq TO datalinker_owner;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgmq TO datalinker_owner;

-- datalinker_admin: may change the tunables through datalinker.set_setting (nothing else).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_admin') THEN
        CREATE ROLE datalinker_admin NOLOGIN IN ROLE datalinker_readonly;
    END IF;
END
$$;
