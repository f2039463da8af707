-- datalinker.amend_session: an operator's correction of an ended session — a new end_time and/or clock_offset_info (each checked like end_session's), then relink_session, all in one transaction.
CREATE OR REPLACE FUNCTION datalinker.amend_session(p_session_id text, p_end_time timestamptz DEFAULT NULL,
                                                    p_clock_offset_info jsonb DEFAULT NULL)
RETURNS SETOF datalinker.link_result
LANGUAGE plpgsql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_session public.sessions%ROWTYPE;
BEGIN
    v_session := datalinker.session_for_update(p_session_id, p_require_ended => true);
    IF p_end_time IS NULL AND p_clock_offset_info IS NULL THEN
        RAISE EXCEPTION 'amend_session(%) needs p_end_time or p_clock_offset_info', quote_literal(p_session_id)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_end_time IS NOT NULL THEN
        PERFORM datalinker.check_end_time(v_session, p_end_time);
    END IF;
    IF p_clock_offset_info IS NOT NULL THEN
        IF jsonb_typeof(p_clock_offset_info) <> 'object' THEN
            RAISE EXCEPTION 'p_clock_offset_info % is not a JSON object', p_clock_offset_info
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM datalinker.clock_pieces(p_clock_offset_info, true, v_session.start_time, coalesce(p_end_time, v_session.end_time));  -- DL006 names a bad measurement
    END IF;
    UPDATE public.sessions s
       SET end_time = coalesce(p_end_time, s.end_time),
           clock_offset_info = coalesce(p_clock_offset_info, s.clock_offset_info)
     WHERE s.session_id = p_session_id;
    RETURN QUERY SELECT * FROM datalinker.run_link(p_session_id, true);
END;
$$;

COMMENT ON FUNCTION datalinker.amend_session(text, timestamptz, jsonb) IS $doc$An operator's correction of an ended session: a new end time (checked as by `end_session`: `DL004`, `DL007`, `DL008`) and/or clock info (checked by `clock_pieces`: `DL006`), then `relink_session`, all in one transaction. CLI: `datalinker amend`.

Example: `SELECT * FROM datalinker.amend_session('s-1', p_end_time => '2026-03-02 10:00+00');`$doc$;
