-- datalinker.unplaced_chunks: on the proxy, one user's unplaced chunks from that user's shard, or everybody's from every shard (NULL).
CREATE OR REPLACE FUNCTION datalinker.unplaced_chunks(...)
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
