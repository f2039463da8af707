-- datalinker.enqueue_link: sends a link job {"session_id": …} for an existing, ended session to data_linker_queue; returns the msg_id.
CREATE OR REPLACE FUNCTION datalinker.enqueue_link(p_session_id text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM datalinker.session_for_update(p_session_id, p_require_ended => true);
    RETURN (SELECT pgmq.send('data_linker_queue', jsonb_build_object('session_id', p_session_id)));
END;
$$;

COMMENT ON FUNCTION datalinker.enqueue_link(text) IS $doc$Queues a (re-)link job for an ended session; returns the msg_id. Raises `DL001` unknown session, `DL002` not ended. CLI: `datalinker enqueue`.

Example: `SELECT datalinker.enqueue_link('s-1');`$doc$;
