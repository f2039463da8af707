-- datalinker.link_chunks: writes the times and session_id of every chunk session_chunks assigns to the session, in one UPDATE; returns (converted, linked) counts.
-- UTC times already present are never changed; rows that already carry a session_id are never touched.
CREATE OR REPLACE FUNCTION datalinker.link_chunks(p_session_id text, OUT converted integer, OUT linked integer)
LANGUAGE sql
SET search_path = ''
AS $$
    WITH updated AS (
        UPDATE public.raw_data_objects r
           SET start_time = coalesce(r.start_time, c.start_time),
               end_time = coalesce(r.end_time, c.end_time),
               session_id = p_session_id
          FROM datalinker.session_chunks(p_session_id) c
         WHERE r.object_id = c.object_id
           AND r.session_id IS NULL
        RETURNING c.converted
    )
    SELECT (count(*) FILTER (WHERE updated.converted))::integer, count(*)::integer
    FROM updated
$$;

COMMENT ON FUNCTION datalinker.link_chunks(text) IS
    'link_chunks(p_session_id text, OUT converted int, OUT linked int): converts and links the session''s unlinked chunks (see session_chunks). Part of link_session; call that instead unless you know why.';
