-- datalinker.end_session: sets the session's end_time and queues its link job in the same transaction (what the Session Manager calls); returns the msg_id, NULL if it had already ended at that time.
CREATE OR REPLACE FUNCTION datalinker.end_session(p_session_id text, p_end_time timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_session public.sessions%ROWTYPE;
BEGIN
    v_session := datalinker.session_for_update(p_session_id, p_require_ended => false);
    IF v_session.end_time IS NOT NULL AND v_session.end_time = p_end_time THEN
        RETURN NULL;  -- a retried call: already ended, its job was queued then
    END IF;
    PERFORM datalinker.check_end_time(v_session, p_end_time);
    IF v_session.end_time IS NOT NULL THEN
        RAISE EXCEPTION 'session % already ended at %; refusing a different end time %',
            quote_literal(p_session_id), v_session.end_time, p_end_time
            USING ERRCODE = 'DL005';
    END IF;
    UPDATE public.sessions s SET end_time = p_end_time WHERE s.session_id = p_session_id;
    RETURN (SELECT pgmq.send('data_linker_queue', jsonb_build_object('session_id', p_session_id)));
END;
$$;

COMMENT ON FUNCTION datalinker.end_session(text, timestamptz) IS $doc$Ends the session and sends `{"session_id": …}` to `data_linker_queue` in one transaction; returns the pgmq msg_id. The same end time again is a no-op that returns NULL and queues nothing. Raises `DL001` unknown session, `DL004` end not after start (or NULL), `DL005` already ended at another time (correct it with `amend_session`), `DL007` end time in the future beyond `skew_us`, `DL008` longer than `max_session_us`. Locks the session row (`FOR NO KEY UPDATE`).

Example: `SELECT datalinker.end_session('s-1', '2026-03-02 10:00+00');`$doc$;
