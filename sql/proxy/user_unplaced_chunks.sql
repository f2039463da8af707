-- datalinker_proxy.user_unplaced_chunks: unplaced_chunks of one user, from the user's shard only.
CREATE OR REPLACE FUNCTION datalinker_proxy.user_unplaced_chunks(p_user_id text)
RETURNS TABLE (object_id varchar, user_id varchar, data_type varchar, received_at timestamptz, reason text,
               candidate_sessions varchar[])
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.user_hash(p_user_id);
    SELECT * FROM datalinker.unplaced_chunks(p_user_id);
$$;
