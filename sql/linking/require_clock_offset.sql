-- datalinker.require_clock_offset: raises DL006 for malformed clock measurements, DL003 when the session has no usable clock_offset_info but there are device-time chunks that could be its own.
-- "Could be its own": pending device chunks in its receipt window that no other session of the user
-- (with a usable offset) converts into its range. Chunks of a neighbouring legacy session do not count,
-- so a new-device session next to a legacy one links normally.
CREATE OR REPLACE FUNCTION datalinker.require_clock_offset(p_session_id text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_session public.sessions%ROWTYPE;
    v_orphans bigint;
BEGIN
    SELECT * INTO v_session FROM public.sessions s WHERE s.session_id = p_session_id;
    IF EXISTS (SELECT 1 FROM datalinker.clock_pieces(v_session.clock_offset_info, true, v_session.start_time, v_session.end_time)) THEN
        RETURN;  -- a usable clock (malformed measurements have raised DL006 just now)
    END IF;
    SELECT count(*) INTO v_orphans
    FROM datalinker.pending_device_chunks(v_session.user_id, v_session.start_time, v_session.end_time) d
    WHERE NOT EXISTS (
        SELECT 1
        FROM public.sessions o
        CROSS JOIN LATERAL datalinker.clock_pieces(o.clock_offset_info, false, o.start_time, o.end_time) m
        CROSS JOIN LATERAL (
            SELECT datalinker.device_to_utc_model_us(d.start_time_device, d.start_time_device,
                       datalinker.epoch_us(o.start_time), datalinker.epoch_us(d.created_at), datalinker.skew_us(),
                       m.mean_offset_us, m.mean_at_us, m.slope) AS start_us) x
        WHERE o.user_id = v_session.user_id
          AND o.session_id <> p_session_id
          AND o.start_time < v_session.end_time + interval '8589934592 microseconds'
          AND (o.end_time IS NULL OR o.end_time > v_session.start_time - interval '8589934592 microseconds')
          AND x.start_us < coalesce(datalinker.epoch_us(o.end_time), 9223372036854775807)
          AND x.start_us + datalinker.wrap_us(d.end_time_device - d.start_time_device) > datalinker.epoch_us(o.start_time));
    IF v_orphans > 0 THEN
        RAISE EXCEPTION 'session % has % device-time chunk(s) to convert but clock_offset_info has no numeric offset_ms_avg (clock_offset_info = %)',
            p_session_id, v_orphans, coalesce(v_session.clock_offset_info::text, 'NULL')
            USING ERRCODE = 'DL003';
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.require_clock_offset(text) IS $doc$Raises `DL006` for clock measurements `clock_pieces` refuses, and `DL003` when the session has no usable `clock_offset_info` (neither a numeric `offset_ms_avg` nor usable `measurements`) while device-time chunks that no other session of the user converts wait in its receipt window. Part of `link_session`.

Example: `SELECT datalinker.require_clock_offset('s-1');`$doc$;
