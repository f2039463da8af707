-- datalinker.place_next_user: the worker's placement step — takes the oldest placement request (SKIP LOCKED), places that user's chunks and tells event_correction_queue about every completed session that got late chunks; zero rows when there is no request.
CREATE OR REPLACE FUNCTION datalinker.place_next_user()
RETURNS TABLE (user_id varchar, session_id varchar, placed integer, ambiguous integer)
LANGUAGE plpgsql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_user varchar;
    v_row  record;
BEGIN
    SELECT r.user_id INTO v_user FROM datalinker.placement_requests r
     ORDER BY r.requested_at, r.user_id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    user_id := v_user;
    FOR v_row IN SELECT p.session_id, p.placed, p.ambiguous FROM datalinker.place_user(v_user) p LOOP
        IF v_row.placed > 0 AND EXISTS (SELECT 1 FROM public.sessions s
                                        WHERE s.session_id = v_row.session_id AND s.link_status = 'completed') THEN
            PERFORM pgmq.send('event_correction_queue', jsonb_build_object('session_id', v_row.session_id));
        END IF;
        session_id := v_row.session_id;
        placed := v_row.placed;
        ambiguous := v_row.ambiguous;
        RETURN NEXT;
    END LOOP;
    IF NOT FOUND THEN  -- handled, nothing to place: still one row, so the caller knows a request was taken
        session_id := NULL;
        placed := 0;
        ambiguous := 0;
        RETURN NEXT;
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.place_next_user() IS
    'place_next_user() -> TABLE(user_id, session_id, placed, ambiguous): one placement request handled in your transaction (late and offline data links itself). A completed session that got chunks is announced on event_correction_queue. Zero rows: nothing requested. Example: SELECT * FROM datalinker.place_next_user();';
