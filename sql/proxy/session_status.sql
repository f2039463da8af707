-- datalinker.session_status: on the proxy, the session's status row from its shard.
CREATE OR REPLACE FUNCTION datalinker.session_status(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
