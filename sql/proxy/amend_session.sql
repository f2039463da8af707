-- datalinker.amend_session: on the proxy, amend_session on the session's shard.
CREATE OR REPLACE FUNCTION datalinker.amend_session(p_session_id text, p_end_time timestamptz DEFAULT NULL,
                                                    p_clock_offset_info jsonb DEFAULT NULL)
RETURNS SETOF datalinker.link_result
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
