-- datalinker.clock_report: on the proxy, the session's clock pieces, from its shard.
CREATE OR REPLACE FUNCTION datalinker.clock_report(p_session_id text)
RETURNS TABLE (piece integer, valid_from timestamptz, valid_to timestamptz, offset_at timestamptz, offset_ms numeric,
               drift_ppm numeric, points integer, rejected integer, scatter_us numeric, uncertainty_us numeric,
               problem text)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.session_hash(p_session_id);
$$;
