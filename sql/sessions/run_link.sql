-- datalinker.run_link: the job for one ended session (link_session, relink_session) — processing → [undo what the linker wrote for it] → place the user's device-time chunks, link overlapping UTC chunks, media → completed; on a data error its own work is undone and the session is failed with the reason.
CREATE OR REPLACE FUNCTION datalinker.run_link(p_session_id text, p_undo_first boolean)
RETURNS SETOF datalinker.link_result
LANGUAGE plpgsql
-- Milliseconds of work per call: JIT compilation (up to ~1 s when estimates run high) never pays off.
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_session   public.sessions%ROWTYPE;
    v_placed    integer;
    v_ambiguous integer;
    v_overlap   integer;
    v_media     integer;
    v_undone    integer := 0;
    v_total     integer;
    v_state     text;
    v_message   text;
    v_detail    text;
BEGIN
    -- Serialises work on this session; does not block FK checks of inserts.
    v_session := datalinker.session_for_update(p_session_id, p_require_ended => true);

    BEGIN
        UPDATE public.sessions s SET link_status = 'processing' WHERE s.session_id = p_session_id;
        IF p_undo_first THEN  -- only what the linker wrote: new devices' rows keep their session
            UPDATE public.raw_data_objects r
               SET start_time = CASE WHEN r.linked_by = 'placement' THEN NULL ELSE r.start_time END,
                   end_time = CASE WHEN r.linked_by = 'placement' THEN NULL ELSE r.end_time END,
                   session_id = NULL,
                   linked_by = NULL
             WHERE r.session_id = p_session_id AND r.linked_by IS NOT NULL;
            GET DIAGNOSTICS v_undone = ROW_COUNT;
            UPDATE public.raw_data_objects r SET expired_at = NULL  -- the user's expired chunks are examined again
             WHERE r.user_id = v_session.user_id AND r.expired_at IS NOT NULL;
        END IF;
        PERFORM datalinker.require_clock_offset(p_session_id);
        SELECT coalesce(sum(p.placed) FILTER (WHERE p.session_id = p_session_id), 0),
               coalesce(sum(p.ambiguous) FILTER (WHERE p.session_id = p_session_id), 0)
          INTO v_placed, v_ambiguous
          FROM datalinker.place_user(v_session.user_id) p;
        v_overlap := datalinker.link_chunks(p_session_id);
        v_media := datalinker.link_media(p_session_id);
        -- Unchanged row on a re-run that found nothing new; linked_at moves only when something happened.
        UPDATE public.sessions s
           SET link_status = 'completed',
               link_error = NULL,
               linked_at = CASE WHEN v_session.link_status = 'completed' AND v_undone + v_placed + v_overlap + v_media = 0
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
        RETURN QUERY SELECT p_session_id, 'failed'::text, 0, 0, 0, 0;
        RETURN;
    END;

    SELECT count(*)::integer INTO v_total FROM public.raw_data_objects r WHERE r.session_id = p_session_id;
    RETURN QUERY SELECT p_session_id, 'completed'::text, v_placed, v_total, v_media, v_ambiguous;
END;
$$;

COMMENT ON FUNCTION datalinker.run_link(text, boolean) IS $doc$The body of link_session (p_undo_first false) and relink_session (true). Call those.$doc$;
