-- datalinker.store_session_clock: rebuilds the stored clock pieces (datalinker.session_clocks) of one ended session, or of every session when NULL, from clock_offset_info; returns how many pieces it stored.
-- A running session stores nothing (its reach moves with now()); a session without a usable clock stores nothing.
CREATE OR REPLACE FUNCTION datalinker.store_session_clock(p_session_id text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM datalinker.session_clocks c WHERE p_session_id IS NULL OR c.session_id = p_session_id;
    INSERT INTO datalinker.session_clocks (session_id, piece, from_us, to_us, first_at_us, last_at_us,
                                           mean_offset_us, mean_at_us, slope)
    SELECT s.session_id, m.piece, m.from_us, m.to_us, m.first_at_us, m.last_at_us, m.mean_offset_us, m.mean_at_us, m.slope
    FROM public.sessions s
    CROSS JOIN LATERAL datalinker.clock_pieces(s.clock_offset_info, false, s.start_time, s.end_time) m
    WHERE (p_session_id IS NULL OR s.session_id = p_session_id) AND s.end_time IS NOT NULL;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.store_session_clock(text) IS $doc$Stores the clock pieces `clock_pieces(clock_offset_info, false, start_time, end_time)` of an ended session (all sessions when NULL) in `datalinker.session_clocks`, replacing what was there; `chunk_placements` reads them instead of refitting. Called by the sessions trigger, after a settings change and after every migrate; `verify_derived` compares.

Example: `SELECT datalinker.store_session_clock('s-1');`$doc$;
