-- datalinker.end_session: on the proxy, end_session on the session's shard (found in the session directory).
CREATE OR REPLACE FUNCTION datalinker.end_session(p_session_id text, p_end_time timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
