-- datalinker.session_reach: how far a session claims chunks (DESIGN §3) — its end_time; while running (no end), now(), at most max_session_us after its start, and never beyond the start of the same user's next session.
CREATE OR REPLACE FUNCTION datalinker.session_reach(p_user_id text, p_start timestamptz, p_end timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
-- PL/pgSQL keeps its plan for the connection: as SQL (not inlinable: a subquery) it was planned in every
-- statement calling it and cost ~12 µs a call (~1 µs now; a placement pass calls it once per nearby session).
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_end IS NOT NULL THEN
        RETURN p_end;
    END IF;
    RETURN least(now(), p_start + datalinker.setting('max_session_us') * interval '1 microsecond',
                 (SELECT min(n.start_time) FROM public.sessions n
                  WHERE n.user_id = p_user_id AND n.start_time > p_start));
END;
$$;

COMMENT ON FUNCTION datalinker.session_reach(text, timestamptz, timestamptz) IS $doc$Where a session's claim on chunks ends: p_end; while running, now(), at most max_session_us after p_start, never beyond the start of the user's next session.

Example: `SELECT datalinker.session_reach(user_id, start_time, end_time) FROM public.sessions;`$doc$;
