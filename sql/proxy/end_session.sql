-- datalinker.end_session: on the proxy, end_session on the session's shard (found in the session directory).
CREATE OR REPLACE FUNCTION datalinker.end_session(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
