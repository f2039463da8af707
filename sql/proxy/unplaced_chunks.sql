-- datalinker.unplaced_chunks: on the proxy, unlinked device-time chunks and their reasons from every shard (a reader, not the hot path).
CREATE OR REPLACE FUNCTION datalinker.unplaced_chunks(p_user_id text DEFAULT NULL)
RETURNS TABLE (object_id varchar, user_id varchar, data_type varchar, received_at timestamptz, reason text,
               candidate_sessions varchar[])
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON ALL;
$$;
