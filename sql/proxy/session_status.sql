-- datalinker.session_status: on the proxy, the session's status row from its shard.
CREATE OR REPLACE FUNCTION datalinker.session_status(p_session_id text)
RETURNS TABLE (session_id text, user_id text, start_time timestamptz, end_time timestamptz, link_status text,
               link_error text, objects_linked bigint)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
