-- datalinker.require_clock_offset: raises DL003 when the session has device-time chunks to convert but no usable clock_offset_info.offset_ms_avg.
CREATE OR REPLACE FUNCTION datalinker.require_clock_offset(p_session_id text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    v_session public.sessions%ROWTYPE;
BEGIN
    SELECT * INTO v_session FROM public.sessions s WHERE s.session_id = p_session_id;
    IF datalinker.clock_offset_us(v_session.clock_offset_info) IS NULL
       AND EXISTS (SELECT 1 FROM datalinker.pending_device_chunks(v_session.user_id, v_session.start_time, v_session.end_time))
    THEN
        RAISE EXCEPTION 'session % has device-time chunks to convert but clock_offset_info has no numeric offset_ms_avg (clock_offset_info = %)',
            p_session_id, coalesce(v_session.clock_offset_info::text, 'NULL')
            USING ERRCODE = 'DL003';
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.require_clock_offset(text) IS
    'require_clock_offset(p_session_id text): raises SQLSTATE DL003 if the session has device-time chunks waiting but no numeric clock_offset_info.offset_ms_avg.';
