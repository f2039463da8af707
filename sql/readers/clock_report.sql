-- datalinker.clock_report: the clock a session's chunks are converted with, one row per piece — where it is valid, offset, drift, measurements used and rejected, their robust scatter, the line's uncertainty at the session's data, and the problem when it is refused (DL006 in link_error); DL001 for an unknown session.
CREATE OR REPLACE FUNCTION datalinker.clock_report(p_session_id text)
RETURNS TABLE (piece integer, valid_from timestamptz, valid_to timestamptz, offset_at timestamptz, offset_ms numeric,
               drift_ppm numeric, points integer, rejected integer, scatter_us numeric, uncertainty_us numeric,
               problem text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_session public.sessions%ROWTYPE;
BEGIN
    SELECT * INTO v_session FROM public.sessions s WHERE s.session_id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL') USING ERRCODE = 'DL001';
    END IF;
    RETURN QUERY
    SELECT c.piece, datalinker.from_epoch_us(c.from_us::bigint), datalinker.from_epoch_us(c.to_us::bigint),
           CASE WHEN c.points > 0 THEN datalinker.from_epoch_us(round(c.mean_at_us)::bigint) END,
           round(c.mean_offset_us / 1000, 6), round(c.slope * 1e6, 3), c.points, c.rejected, c.scale_us,
           c.uncertainty_us, c.problem
    FROM datalinker.clock_fit(v_session.clock_offset_info, v_session.start_time,
                              datalinker.session_reach(v_session.user_id, v_session.start_time, v_session.end_time)) c
    ORDER BY c.piece NULLS FIRST;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_report(text) IS $doc$The session's clock pieces (see clock_fit): where each is valid (NULL = open), its offset (device − UTC, ms) at offset_at, drift in ppm, the sync measurements it is fitted to and those it rejected as outliers (never fitted), their robust scatter (1.4826·MAD, µs), the line's uncertainty at the session's data (3 standard errors, µs) and, when it is refused, the problem (the DL006 reason; a row with piece NULL for malformed input). Zero rows: no clock at all. Raises DL001 unknown session.

Example: `SELECT * FROM datalinker.clock_report('s-1');`$doc$;
