-- datalinker.clock_report: on the proxy, the session's clock pieces, from its shard.
CREATE OR REPLACE FUNCTION datalinker.clock_report(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
