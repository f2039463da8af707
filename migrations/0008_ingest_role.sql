-- 0008 ingest role: datalinker_ingest may store uploads (datalinker.add_chunks, add_media) and nothing else;
-- the Processor's login role is a member. Cluster-wide, so created only if missing. Append-only.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_ingest') THEN
        CREATE ROLE datalinker_ingest NOLOGIN;
    END IF;
END
$$;
