-- datalinker.nearby_clocks: the user's sessions that start before p_to and have not ended by p_from, each clock piece a row (a session without a usable clock: one row, clock NULL) — an ended session's clock as stored (store_session_clock), a running one's fitted now — with the session's start and reach in epoch µs and the piece's open ends as ±1e18.
-- Plain SQL without SET so the planner inlines it into chunk_placements (the sessions by index on user, start).
CREATE OR REPLACE FUNCTION datalinker.nearby_clocks(p_user_id text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (session_id varchar, ended boolean, s_us bigint, e_us bigint, clock datalinker.clock_piece)
LANGUAGE sql STABLE
AS $$
    SELECT s.session_id, s.end_time IS NOT NULL, datalinker.epoch_us(s.start_time),
           datalinker.epoch_us(datalinker.session_reach(s.user_id, s.start_time, s.end_time)),
           CASE WHEN m.piece IS NOT NULL
                THEN ROW(m.piece, coalesce(m.from_us, -1e18), coalesce(m.to_us, 1e18), coalesce(m.first_at_us, -1e18),
                         coalesce(m.last_at_us, 1e18), m.mean_offset_us, m.mean_at_us, m.slope,
                         NULL, NULL, NULL, NULL, NULL)::datalinker.clock_piece
           END
    FROM public.sessions s
    LEFT JOIN LATERAL (
        SELECT c.piece, c.from_us, c.to_us, c.first_at_us, c.last_at_us, c.mean_offset_us, c.mean_at_us, c.slope
        FROM datalinker.session_clocks c
        WHERE c.session_id = s.session_id AND s.end_time IS NOT NULL
        UNION ALL
        SELECT p.piece, p.from_us, p.to_us, p.first_at_us, p.last_at_us, p.mean_offset_us, p.mean_at_us, p.slope
        FROM datalinker.clock_pieces(s.clock_offset_info, false, s.start_time,
                                     datalinker.session_reach(s.user_id, s.start_time, s.end_time)) p
        WHERE s.end_time IS NULL
    ) m ON true
    WHERE s.user_id = p_user_id AND s.start_time < p_to AND (s.end_time IS NULL OR s.end_time > p_from)
$$;

COMMENT ON FUNCTION datalinker.nearby_clocks(text, timestamptz, timestamptz) IS $doc$A step of `chunk_placements`: the user's sessions starting before `p_to` and not ended by `p_from`, a row per clock piece (`clock`, a `datalinker.clock_piece` with open ends as ±1e18 µs; NULL when the session has no usable clock): an ended session's stored clock (`session_clocks`), a running session's fitted now. `s_us` is the session's start and `e_us` its reach (`session_reach`), epoch µs; `ended` whether it has ended. Read-only.$doc$;
