-- datalinker.place_next_user: the worker's placement step — takes the oldest placement request (SKIP LOCKED), places that user's chunks and tells event_correction_queue about every completed session that got late chunks; zero rows when there is no request.
CREATE OR REPLACE FUNCTION datalinker.place_next_user()
RETURNS TABLE (user_id varchar, session_id varchar, placed integer, ambiguous integer, error text)
LANGUAGE plpgsql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user      varchar;
    v_sessions  varchar[];
    v_placed    integer[];
    v_ambiguous integer[];
    v_state     text;
    v_message   text;
BEGIN
    -- A request whose last placement failed waits a minute: it never blocks the requests behind it.
    SELECT r.user_id INTO v_user FROM datalinker.placement_requests r
     WHERE r.last_error IS NULL OR r.requested_at < now() - interval '1 minute'
     ORDER BY r.last_error IS NOT NULL, r.requested_at, r.user_id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    BEGIN
        SELECT array_agg(p.session_id), array_agg(p.placed), array_agg(p.ambiguous)
          INTO v_sessions, v_placed, v_ambiguous
          FROM datalinker.place_user(v_user) p;
        PERFORM pgmq.send('event_correction_queue', jsonb_build_object('session_id', s.session_id))
           FROM unnest(v_sessions, v_placed) AS u(session_id, placed)
           JOIN public.sessions s ON s.session_id = u.session_id
          WHERE u.placed > 0 AND s.link_status = 'completed';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
        IF datalinker.is_transient(v_state) THEN
            RAISE;
        END IF;
        -- Its own work is undone (the request is back); record why and try it again later.
        UPDATE datalinker.placement_requests r
           SET last_error = v_state || ': ' || v_message, requested_at = now()
         WHERE r.user_id = v_user;
        RETURN QUERY SELECT v_user, NULL::varchar, 0, 0, v_state || ': ' || v_message;
        RETURN;
    END;
    IF v_sessions IS NULL THEN  -- handled, nothing to place: still one row, so the caller knows a request was taken
        RETURN QUERY SELECT v_user, NULL::varchar, 0, 0, NULL::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT v_user, u.session_id, u.placed, u.ambiguous, NULL::text
                   FROM unnest(v_sessions, v_placed, v_ambiguous) AS u(session_id, placed, ambiguous);
END;
$$;

COMMENT ON FUNCTION datalinker.place_next_user() IS $doc$One placement request handled in your transaction (late and offline data links itself). A completed session that got chunks is announced on event_correction_queue. On a data error the user's placement is undone, the request keeps the error (placement_requests.last_error) and is retried a minute later, never blocking other users; transient errors propagate. Zero rows: nothing due.

Example: `SELECT * FROM datalinker.place_next_user();`$doc$;
