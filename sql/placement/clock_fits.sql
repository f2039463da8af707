-- datalinker.clock_fits: the placements of a segment under one clock piece of a session — the latest its receipts allow (p_latest_us) and those n·2^32 µs before it that lie in the session (± the margin) and after p_earliest_us — each within the piece and reaching its measured span; kind: buffered (in the session), live (the latest, streamed in step) or competitor (the latest, possible but not shown live).
-- Plain SQL without SET so the planner inlines it into chunk_placements: the live and the buffered rules share
-- one statement of "inside the clock piece".
CREATE OR REPLACE FUNCTION datalinker.clock_fits(p_latest_us bigint, p_span bigint, p_earliest_us bigint,
                                                 p_session_from_us bigint, p_session_to_us bigint,
                                                 p_piece_from_us numeric, p_piece_to_us numeric,
                                                 p_core_from_us numeric, p_core_to_us numeric,
                                                 p_lags_live boolean, p_spread_live boolean, p_live_run boolean,
                                                 p_margin bigint)
RETURNS TABLE (t bigint, kind text)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT f.t, f.kind
    FROM (
        SELECT p_latest_us - k.k * 4294967296 AS t, 'buffered' AS kind
        FROM generate_series(
            greatest(0, ceil((p_latest_us + p_span - p_session_to_us - p_margin)::numeric / 4294967296)::bigint),
            floor((p_latest_us - p_session_from_us + p_margin)::numeric / 4294967296)::bigint) AS k(k)
        WHERE p_latest_us - k.k * 4294967296 >= p_earliest_us  -- within the upload delay
        UNION ALL
        -- The latest placement, when its lags are live or part of it streamed in step (a live run): live when
        -- every chunk came in step and the receipts spread like the recording and over at least live_lag_us (a
        -- burst never does); otherwise it only competes with the buffered ones (a short segment that merely
        -- looks live proves little). Within a period of the session either way.
        SELECT p_latest_us, CASE WHEN p_lags_live AND p_spread_live THEN 'live' ELSE 'competitor' END
        WHERE (p_lags_live OR p_live_run)
          AND p_latest_us < p_session_to_us + 4294967296 AND p_latest_us + p_span > p_session_from_us - 4294967296
    ) f
    WHERE f.t >= p_piece_from_us - p_margin AND f.t + p_span <= p_piece_to_us + p_margin  -- within the clock piece
      -- reaching the piece's measured span: a gap between pieces, or past the last sync (an unseen reset),
      -- decides nothing
      AND f.t < p_core_to_us AND f.t + p_span > p_core_from_us
$$;

COMMENT ON FUNCTION datalinker.clock_fits(bigint, bigint, bigint, bigint, bigint, numeric, numeric, numeric, numeric, boolean, boolean, boolean, bigint) IS $doc$A step of `chunk_placements`: where a segment `p_span` µs long can start under one clock piece of a session (the session from `p_session_from_us` to `p_session_to_us`, the piece valid from `p_piece_from_us` to `p_piece_to_us` and measured from `p_core_from_us` to `p_core_to_us`, all epoch µs) — `buffered`: its latest placement `p_latest_us` moved back by whole counter periods into the session (± `p_margin`) and not before `p_earliest_us`; `live` or `competitor`: the latest placement itself, when `p_lags_live` or `p_live_run` (live only with `p_lags_live` and `p_spread_live`) and it lies within a period of the session. Every row lies within the piece (± `p_margin`) and overlaps its measured span. Immutable.$doc$;
