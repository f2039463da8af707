-- datalinker.add_session: registers a started session (what the Session Manager inserts), idempotent for a repeated call; returns true when new. Refuses an existing id of another user.
CREATE OR REPLACE FUNCTION datalinker.add_session(p_session_id text, p_user_id text, p_start_time timestamptz,
                                                  p_session_type text DEFAULT 'main',
                                                  p_clock_offset_info jsonb DEFAULT NULL,
                                                  p_experiment_id uuid DEFAULT NULL,
                                                  p_calibration_for text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_owner text;
BEGIN
    INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, session_type,
                                 calibration_for_session_id, clock_offset_info)
    VALUES (p_session_id, p_user_id, p_experiment_id, p_start_time, p_session_type, p_calibration_for,
            p_clock_offset_info)
    ON CONFLICT (session_id) DO NOTHING;
    IF FOUND THEN
        RETURN true;
    END IF;
    SELECT s.user_id INTO v_owner FROM public.sessions s WHERE s.session_id = p_session_id;
    IF v_owner IS DISTINCT FROM p_user_id THEN
        RAISE EXCEPTION 'DL009: session_id % belongs to user %, not %', quote_literal(p_session_id),
            quote_literal(v_owner), quote_literal(p_user_id) USING ERRCODE = 'unique_violation';
    END IF;
    RETURN false;
END;
$$;

COMMENT ON FUNCTION datalinker.add_session(text, text, timestamptz, text, jsonb, uuid, text) IS $doc$Creates a started session; the same call again is a no-op (`false`); `23505` with message `DL009: …` when the id belongs to another user. On a proxy it also notes the session's user in the session directory.

Example: `SELECT datalinker.add_session('s-1', 'u1', '2026-03-02 09:00+00', 'main', '{"offset_ms_avg": -1712345678901.25}');`$doc$;
