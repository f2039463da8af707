-- datalinker.place_job: the work of a placement job — places the user's late and offline chunks and announces every completed session that got some; a data error undoes that and comes back as placement_failed with the error.
CREATE OR REPLACE FUNCTION datalinker.place_job(p_user_id text)
RETURNS TABLE (placed integer, reason text, error text)
LANGUAGE plpgsql
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sessions varchar[];
    v_counts   integer[];
    v_state   text;
    v_message text;
BEGIN
    BEGIN
        SELECT array_agg(p.session_id), array_agg(p.placed) INTO v_sessions, v_counts
          FROM datalinker.place_user(p_user_id) p;
        PERFORM datalinker.announce(u.session_id)
           FROM unnest(v_sessions, v_counts) AS u(session_id, placed)
           JOIN public.sessions s ON s.session_id = u.session_id
          WHERE u.placed > 0 AND s.link_status = 'completed';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
        IF datalinker.is_transient(v_state) THEN
            RAISE;
        END IF;
        RETURN QUERY SELECT 0, 'placement_failed'::text, v_state || ': ' || v_message;
        RETURN;
    END;
    RETURN QUERY SELECT coalesce((SELECT sum(c)::integer FROM unnest(v_counts) c), 0), NULL::text, NULL::text;
END;
$$;

COMMENT ON FUNCTION datalinker.place_job(text) IS $doc$The work of a placement job (`process_job`): `place_user`, then `announce` for every `completed` session that got chunks; returns how many chunks were placed. A data error rolls that back and returns `reason = 'placement_failed'` with `error = '<SQLSTATE>: <message>'` (the job is dead-lettered); transient errors propagate.

Example: `SELECT * FROM datalinker.place_job('u1');`$doc$;
