-- datalinker_proxy.shard_add_media: PL/Proxy SPLIT of a media upload by user.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_add_media(p_kind text, p_user_id text[], p_object_id text[],
                                                            p_session_id text[], p_captured_at timestamptz[],
                                                            p_duration_ms integer[])
RETURNS SETOF integer
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    SPLIT p_user_id, p_object_id, p_session_id, p_captured_at, p_duration_ms;
    RUN ON datalinker_proxy.user_hash(p_user_id);
    SELECT datalinker.add_media(p_kind, p_user_id, p_object_id, p_session_id, p_captured_at, p_duration_ms);
$$;
