-- datalinker.link_chunks: links every unlinked UTC chunk session_chunks assigns to the session (linked_by = overlap) in one UPDATE; returns how many.
-- UTC times are never changed; rows that already carry a session_id are never touched.
CREATE OR REPLACE FUNCTION datalinker.link_chunks(p_session_id text)
RETURNS integer
LANGUAGE plpgsql
-- PL/pgSQL keeps its plan for the connection; as SQL it was parsed and planned on every call (~0.4 ms a link).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_linked integer;
BEGIN
    WITH updated AS (
        UPDATE public.raw_data_objects r
           SET session_id = p_session_id, linked_by = 'overlap'
          FROM datalinker.session_chunks(p_session_id) c
         WHERE r.object_id = c.object_id
           AND r.session_id IS NULL
        RETURNING 1
    )
    SELECT count(*)::integer INTO v_linked FROM updated;
    RETURN v_linked;
END;
$$;

COMMENT ON FUNCTION datalinker.link_chunks(text) IS $doc$Links the session's unlinked UTC chunks (see session_chunks). Part of link_session; call that instead unless you know why.$doc$;
