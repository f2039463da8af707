-- datalinker.relink_session: a correction — undoes what the linker wrote for the session (never a new device's rows) and places and links again, in the caller's transaction.
CREATE OR REPLACE FUNCTION datalinker.relink_session(p_session_id text)
RETURNS SETOF datalinker.link_result
LANGUAGE sql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM datalinker.run_link(p_session_id, true)
$$;

COMMENT ON FUNCTION datalinker.relink_session(text) IS
    'relink_session(p_session_id text) -> same row as link_session. After fixing a session''s clock_offset_info or end_time: chunks the linker converted for it lose their UTC times and session, UTC chunks it linked by overlap lose their session (rows that came with their session_id are never touched), then the user''s chunks are placed again — all in one transaction; on a data error nothing changes but the session''s failed status. Raises DL001, DL002. Example: SELECT * FROM datalinker.relink_session(''s-1'');';
