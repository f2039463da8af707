-- datalinker.link_chunks: links every unlinked UTC chunk session_chunks assigns to the session (linked_by = overlap) in one UPDATE; returns how many.
-- UTC times are never changed; rows that already carry a session_id are never touched.
CREATE OR REPLACE FUNCTION datalinker.link_chunks(p_session_id text)
RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    WITH updated AS (
        UPDATE public.raw_data_objects r
           SET session_id = p_session_id, linked_by = 'overlap'
          FROM datalinker.session_chunks(p_session_id) c
         WHERE r.object_id = c.object_id
           AND r.session_id IS NULL
        RETURNING 1
    )
    SELECT count(*)::integer FROM updated
$$;

COMMENT ON FUNCTION datalinker.link_chunks(text) IS $doc$Links the session's unlinked UTC chunks (see session_chunks). Part of link_session; call that instead unless you know why.$doc$;
