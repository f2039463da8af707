-- datalinker.link_session: on the proxy, link_session on the session's shard — a single-shard transaction there.
CREATE OR REPLACE FUNCTION datalinker.link_session(p_session_id text)
RETURNS SETOF datalinker.link_result
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
