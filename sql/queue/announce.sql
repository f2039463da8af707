-- datalinker.announce: tells event_correction_queue that a session's links changed (the one announcement path of session and placement jobs).
CREATE OR REPLACE FUNCTION datalinker.announce(p_session_id text)
RETURNS void
LANGUAGE plpgsql
-- PL/pgSQL keeps its plan for the connection (as SQL it was planned on every call).
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- pgmq.send as the static statement it runs (pgmq builds it as dynamic SQL, planned on every call: ~0.1 ms
    -- a job). tests/sql/test_queue_sql.py checks it against pgmq.
    INSERT INTO pgmq.q_event_correction_queue (vt, message)
    VALUES (clock_timestamp(), jsonb_build_object('session_id', p_session_id));
END;
$$;

COMMENT ON FUNCTION datalinker.announce(text) IS $doc$Sends `{"session_id": …}` to `event_correction_queue`: a session job completed, or a placement job linked late chunks to a completed session. Part of `process_job`.$doc$;
