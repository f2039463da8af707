-- datalinker.session_for_update: the session row, locked FOR NO KEY UPDATE (serialises work on one session, never blocks FK checks); raises DL001 if unknown, DL002 if p_require_ended and it has not ended.
CREATE OR REPLACE FUNCTION datalinker.session_for_update(p_session_id text, p_require_ended boolean)
RETURNS public.sessions
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_session public.sessions%ROWTYPE;
BEGIN
    SELECT * INTO v_session FROM public.sessions s WHERE s.session_id = p_session_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL')
            USING ERRCODE = 'DL001', HINT = 'The session must exist in public.sessions.';
    END IF;
    IF p_require_ended AND v_session.end_time IS NULL THEN
        RAISE EXCEPTION 'session % has not ended (end_time is NULL)', quote_literal(p_session_id)
            USING ERRCODE = 'DL002', HINT = 'End it first: SELECT datalinker.end_session(...)';
    END IF;
    RETURN v_session;
END;
$$;

COMMENT ON FUNCTION datalinker.session_for_update(text, boolean) IS $doc$The session's row, locked `FOR NO KEY UPDATE`. Raises `DL001` unknown session, `DL002` not ended (when `p_require_ended`). Shared by `link_session`, `end_session`, `enqueue_link`.

Example: `SELECT (datalinker.session_for_update('s-1', true)).user_id;`$doc$;
