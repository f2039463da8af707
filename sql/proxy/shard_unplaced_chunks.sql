-- datalinker_proxy.shard_unplaced_chunks: unplaced_chunks of every user, from every shard.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_unplaced_chunks()
RETURNS TABLE (object_id varchar, user_id varchar, data_type varchar, received_at timestamptz, reason text,
               candidate_sessions varchar[])
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON ALL;
    SELECT * FROM datalinker.unplaced_chunks(NULL);
$$;
