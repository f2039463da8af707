-- datalinker.session_status: one session's row as `datalinker status SESSION` shows it (times, link_status, link_error, objects linked), for any project role; DL001 when unknown.
CREATE OR REPLACE FUNCTION datalinker.session_status(p_session_id text)
RETURNS TABLE (session_id text, user_id text, start_time timestamptz, end_time timestamptz, link_status text,
               link_error text, objects_linked bigint)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT s.session_id::text, s.user_id::text, s.start_time, s.end_time, s.link_status::text, s.link_error,
           (SELECT count(*) FROM public.raw_data_objects r WHERE r.session_id = s.session_id)
    FROM public.sessions s WHERE s.session_id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL')
            USING ERRCODE = 'DL001', HINT = 'The session must exist in public.sessions.';
    END IF;
END;
$$;

COMMENT ON FUNCTION datalinker.session_status(text) IS $doc$One session as `datalinker status SESSION` shows it: `session_id, user_id, start_time, end_time, link_status, link_error, objects_linked`. Raises `DL001` when unknown. Also served through a PL/Proxy proxy.

Example: `SELECT * FROM datalinker.session_status('s-1');`$doc$;
