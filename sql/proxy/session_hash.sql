-- datalinker_proxy.session_hash: the routing hash of a session (its user's, from the session directory, via user_hash); DL001 when the proxy never saw it.
CREATE OR REPLACE FUNCTION datalinker_proxy.session_hash(p_session_id text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user text;
BEGIN
    SELECT d.user_id INTO v_user FROM datalinker_proxy.session_directory d WHERE d.session_id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown session %', coalesce(quote_literal(p_session_id), 'NULL')
            USING ERRCODE = 'DL001', HINT = 'Create sessions through datalinker.add_session on the proxy.';
    END IF;
    RETURN datalinker_proxy.user_hash(v_user);
END;
$$;
