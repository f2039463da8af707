-- datalinker.enqueue_link: sends a link job {"session_id": …} for an existing, ended session to data_linker_queue; returns the msg_id.
CREATE OR REPLACE FUNCTION datalinker.enqueue_link(p_session_id text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_end_time timestamptz;
BEGIN
    SELECT s.end_time INTO v_end_time FROM public.sessions s WHERE s.session_id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL') USING ERRCODE = 'DL001';
    END IF;
    IF v_end_time IS NULL THEN
        RAISE EXCEPTION 'session % has not ended (end_time is NULL)', quote_literal(p_session_id) USING ERRCODE = 'DL002';
    END IF;
    RETURN (SELECT pgmq.send('data_linker_queue', jsonb_build_object('session_id', p_session_id)));
END;
$$;

COMMENT ON FUNCTION datalinker.enqueue_link(text) IS
    'enqueue_link(p_session_id text) -> bigint msg_id: queues a (re-)link job for an ended session. Raises DL001 unknown session, DL002 not ended.';
