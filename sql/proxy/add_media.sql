-- datalinker.add_media: on the proxy, images or audio clips of any users, split by user onto their shards; how many were new.
CREATE OR REPLACE FUNCTION datalinker.add_media(...)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(sum(n), 0)::integer
    FROM datalinker_proxy.shard_add_media(p_kind, p_user_id, p_object_id, p_session_id, p_captured_at, p_duration_ms) n
$$;
