-- datalinker.unplaced_chunks: on the proxy, one user's unplaced chunks from that user's shard, or everybody's from every shard (NULL).
CREATE OR REPLACE FUNCTION datalinker.unplaced_chunks(p_user_id text DEFAULT NULL)
RETURNS TABLE (object_id varchar, user_id varchar, data_type varchar, received_at timestamptz, reason text,
               candidate_sessions varchar[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_user_id IS NULL THEN
        RETURN QUERY SELECT * FROM datalinker_proxy.shard_unplaced_chunks();
    ELSE
        RETURN QUERY SELECT * FROM datalinker_proxy.user_unplaced_chunks(p_user_id);
    END IF;
END;
$$;
