-- datalinker_proxy.shard_add_chunks: PL/Proxy SPLIT of an upload by user: each shard gets the elements of its users.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_add_chunks(... of datalinker.add_chunks)
RETURNS SETOF integer
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    SPLIT ALL;
    RUN ON datalinker_proxy.user_hash(p_user_id);
    SELECT datalinker.add_chunks(p_user_id, p_object_id, p_session_id, p_start_time, p_end_time,
                                 p_start_time_device, p_end_time_device, p_data_type, p_received_at);
$$;
