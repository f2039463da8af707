-- datalinker.link_session: on the proxy, link_session on the session's shard — a single-shard transaction there.
CREATE OR REPLACE FUNCTION datalinker.link_session(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
