-- datalinker.check_end_time: raises unless p_end_time can end the session — DL004 NULL or not after the start, DL007 beyond now() + skew, DL008 longer than max_session_us; each names the field and the value.
CREATE OR REPLACE FUNCTION datalinker.check_end_time(p_session public.sessions, p_end_time timestamptz)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_latest  timestamptz := now() + datalinker.skew_us() * interval '1 microsecond';
    v_longest interval := datalinker.setting('max_session_us') * interval '1 microsecond';
BEGIN
    IF p_end_time IS NULL OR p_end_time <= p_session.start_time THEN
        RAISE EXCEPTION 'end time % of session % is not after its start time %',
            coalesce(p_end_time::text, 'NULL'), quote_literal(p_session.session_id), p_session.start_time
            USING ERRCODE = 'DL004';
    END IF;
    IF p_end_time > v_latest THEN
        RAISE EXCEPTION 'end_time % of session % is in the future (now + skew is %)',
            p_end_time, quote_literal(p_session.session_id), v_latest
            USING ERRCODE = 'DL007', HINT = 'A typo? End the session with the time it really ended.';
    END IF;
    IF p_end_time - p_session.start_time > v_longest THEN
        RAISE EXCEPTION 'end_time % would make session % last %, longer than max_session_us (%)',
            p_end_time, quote_literal(p_session.session_id), p_end_time - p_session.start_time, v_longest
            USING ERRCODE = 'DL008';
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.check_end_time(public.sessions, timestamptz) IS $doc$Raises DL004 (NULL or not after start), DL007 (beyond now() + skew_us), DL008 (longer than max_session_us). Used by end_session and amend_session.$doc$;
