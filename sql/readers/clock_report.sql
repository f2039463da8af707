-- datalinker.clock_report: the clock a session's chunks are converted with, one row per piece — time span, offset, drift, residual RMS, points and outliers rejected; DL001 for an unknown session, DL006 (with the reason) for unusable measurements.
CREATE OR REPLACE FUNCTION datalinker.clock_report(p_session_id text)
RETURNS TABLE (piece integer, valid_from timestamptz, valid_to timestamptz, offset_at timestamptz, offset_ms numeric,
               drift_ppm numeric, points integer, rejected integer, rms_us numeric)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_info jsonb;
BEGIN
    SELECT s.clock_offset_info INTO v_info FROM public.sessions s WHERE s.session_id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL') USING ERRCODE = 'DL001';
    END IF;
    RETURN QUERY
    SELECT c.piece, datalinker.from_epoch_us(c.from_us::bigint), datalinker.from_epoch_us(c.to_us::bigint),
           CASE WHEN c.points > 0 THEN datalinker.from_epoch_us(round(c.mean_at_us)::bigint) END,
           round(c.mean_offset_us / 1000, 6), round(c.slope * 1e6, 3), c.points, c.rejected, c.rms_us
    FROM datalinker.clock_pieces(v_info, true) c
    ORDER BY c.piece;
END;
$$;

COMMENT ON FUNCTION datalinker.clock_report(text) IS
    'clock_report(p_session_id text) -> TABLE(piece, valid_from, valid_to, offset_at, offset_ms, drift_ppm, points, rejected, rms_us): the session''s clock pieces (see clock_pieces): where each is valid (NULL = open), its offset (device − UTC, ms) at offset_at, drift in ppm, how many sync measurements it has, how many it rejected as outliers (further than clock_fit_tolerance_us off) and the RMS of the rest. Zero rows: no usable clock. Raises DL001 unknown session, DL006 unusable measurements. Example: SELECT * FROM datalinker.clock_report(''s-1'');';
