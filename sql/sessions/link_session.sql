-- datalinker.link_session: the whole DataLinker job for one ended session in the caller's transaction — processing → convert + link chunks, link media → completed; on error its own work is undone and the session is failed with the reason.
CREATE OR REPLACE FUNCTION datalinker.link_session(p_session_id text)
RETURNS TABLE (session_id text, link_status text, objects_converted integer,
               objects_linked integer, media_linked integer)
LANGUAGE plpgsql
SECURITY DEFINER
-- Milliseconds of work per call: JIT compilation (up to ~1 s when estimates run high) never pays off.
SET jit = off
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_session   public.sessions%ROWTYPE;
    v_chunks    record;
    v_media     integer;
    v_total     integer;
    v_state     text;
    v_message   text;
    v_detail    text;
BEGIN
    -- Serialises concurrent link_session calls for this session; does not block FK checks of inserts.
    v_session := datalinker.session_for_update(p_session_id, p_require_ended => true);

    BEGIN
        UPDATE public.sessions s SET link_status = 'processing' WHERE s.session_id = p_session_id;
        PERFORM datalinker.require_clock_offset(p_session_id);
        v_chunks := datalinker.link_chunks(p_session_id);
        v_media := datalinker.link_media(p_session_id);
        -- Unchanged row on a re-run that found nothing new; linked_at moves only when something happened.
        UPDATE public.sessions s
           SET link_status = 'completed',
               link_error = NULL,
               linked_at = CASE WHEN v_session.link_status = 'completed' AND v_chunks.linked = 0 AND v_media = 0
                                THEN v_session.linked_at ELSE now() END
         WHERE s.session_id = p_session_id;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        -- Transient (datalinker.is_transient: 40, 53, 57, 08, 55P03): abort the caller's transaction so the
        -- job is retried; a held lock never makes a session failed.
        IF datalinker.is_transient(v_state) THEN
            RAISE;
        END IF;
        UPDATE public.sessions s
           SET link_status = 'failed',
               link_error = v_state || ': ' || v_message || coalesce(' (' || nullif(v_detail, '') || ')', '')
         WHERE s.session_id = p_session_id;
        RETURN QUERY SELECT p_session_id, 'failed'::text, 0, 0, 0;
        RETURN;
    END;

    SELECT count(*)::integer INTO v_total FROM public.raw_data_objects r WHERE r.session_id = p_session_id;
    RETURN QUERY SELECT p_session_id, 'completed'::text, v_chunks.converted, v_total, v_media;
END;
$$;

COMMENT ON FUNCTION datalinker.link_session(text) IS
    'link_session(p_session_id text) -> TABLE(session_id, link_status, objects_converted, objects_linked, media_linked). Runs the whole job in your transaction: converts device ticks (DESIGN §2), links the user''s overlapping chunks, fills media experiment_id, marks the session completed. On a data error it undoes its own work, marks the session failed with link_error and returns the row (no raise). objects_converted/media_linked count this call; objects_linked is the total of objects now linked to the session (new-device rows included). Raises DL001 unknown session, DL002 session not ended; transient errors (datalinker.is_transient: SQLSTATE 40/53/57/08, 55P03) propagate so the caller retries. Safe to re-run: links late arrivals only. Example: SELECT * FROM datalinker.link_session(''s-1'');';
