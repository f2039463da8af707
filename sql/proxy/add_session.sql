-- datalinker.add_session: on the proxy, notes the session's user in the session directory, then creates it on that user's shard; same contract as on a shard.
CREATE OR REPLACE FUNCTION datalinker.add_session(...)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_owner text;
BEGIN
    INSERT INTO datalinker_proxy.session_directory (session_id, user_id) VALUES (p_session_id, p_user_id)
    ON CONFLICT (session_id) DO NOTHING;
    SELECT d.user_id INTO v_owner FROM datalinker_proxy.session_directory d WHERE d.session_id = p_session_id;
    IF v_owner IS DISTINCT FROM p_user_id THEN
        RAISE EXCEPTION 'DL009: session_id % belongs to user %, not %', quote_literal(p_session_id),
            quote_literal(v_owner), quote_literal(p_user_id) USING ERRCODE = 'unique_violation';
    END IF;
    -- The shard's row commits on its own (PL/Proxy runs remote calls in autocommit); a retry after a failure
    -- here is safe: add_session is idempotent on both sides.
    RETURN datalinker_proxy.shard_add_session(p_session_id, p_user_id, p_start_time, p_session_type,
                                              p_clock_offset_info, p_experiment_id, p_calibration_for);
END;
$$;
