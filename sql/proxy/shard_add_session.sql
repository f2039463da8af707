-- datalinker_proxy.shard_add_session: PL/Proxy call of datalinker.add_session on the shard of p_user_id.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_add_session(... of datalinker.add_session)
RETURNS boolean
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.user_hash(p_user_id);
    SELECT datalinker.add_session(p_session_id, p_user_id, p_start_time, p_session_type, p_clock_offset_info,
                                  p_experiment_id, p_calibration_for);
$$;
