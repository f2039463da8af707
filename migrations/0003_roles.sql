-- 0003 roles: least-privilege group roles (cluster-wide, so created only if missing).
-- Grants live in sql/privileges/grants.sql and are re-applied after every migrate.
-- datalinker_worker: runs jobs through the job functions, no direct table writes.
-- datalinker_readonly: SELECT on the domain tables (BIDS exporter, Session Manager reads).
-- datalinker_session_manager: may call end_session (and read, through readonly).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_worker') THEN
        CREATE ROLE datalinker_worker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_readonly') THEN
        CREATE ROLE datalinker_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_session_manager') THEN
        CREATE ROLE datalinker_session_manager NOLOGIN IN ROLE datalinker_readonly;
    END IF;
END
$$;
