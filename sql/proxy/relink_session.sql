-- datalinker.relink_session: on the proxy, relink_session on the session's shard.
CREATE OR REPLACE FUNCTION datalinker.relink_session(p_session_id text)
RETURNS TABLE (session_id text, link_status text, objects_converted integer,
               objects_linked integer, media_linked integer, objects_ambiguous integer)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
