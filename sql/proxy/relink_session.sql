-- datalinker.relink_session: on the proxy, relink_session on the session's shard.
CREATE OR REPLACE FUNCTION datalinker.relink_session(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
