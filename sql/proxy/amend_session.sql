-- datalinker.amend_session: on the proxy, amend_session on the session's shard.
CREATE OR REPLACE FUNCTION datalinker.amend_session(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
