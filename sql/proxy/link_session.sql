-- datalinker.link_session: on the proxy, link_session on the session's shard — a single-shard transaction there.
CREATE OR REPLACE FUNCTION datalinker.link_session(p_session_id text)
RETURNS TABLE (session_id text, link_status text, objects_converted integer,
               objects_linked integer, media_linked integer, objects_ambiguous integer)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
