-- datalinker_proxy.shard_add_media: PL/Proxy SPLIT of a media upload by user.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_add_media(... of datalinker.add_media)
RETURNS SETOF integer
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    SPLIT p_user_id, p_object_id, p_session_id, p_captured_at, p_duration_ms;
    RUN ON datalinker_proxy.user_hash(p_user_id);
    SELECT datalinker.add_media(p_kind, p_user_id, p_object_id, p_session_id, p_captured_at, p_duration_ms);
$$;
