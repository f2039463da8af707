-- datalinker.add_chunks: on the proxy, an upload of any users' chunks, split by user onto their shards; how many were new.
CREATE OR REPLACE FUNCTION datalinker.add_chunks(...)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(sum(n), 0)::integer
    FROM datalinker_proxy.shard_add_chunks(p_user_id, p_object_id, p_session_id, p_start_time, p_end_time,
                                           p_start_time_device, p_end_time_device, p_data_type, p_received_at) n
$$;
