-- datalinker.link_session: the whole DataLinker job for one ended session in the caller's transaction — processing → place the user's device-time chunks (exact UTC), link overlapping UTC chunks and media → completed; on a data error its own work is undone and the session is failed with the reason.
CREATE OR REPLACE FUNCTION datalinker.link_session(p_session_id text)
RETURNS SETOF datalinker.link_result
LANGUAGE sql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM datalinker.run_link(p_session_id, false)
$$;

COMMENT ON FUNCTION datalinker.link_session(text) IS
    'link_session(p_session_id text) -> SETOF link_result(session_id, link_status, objects_converted, objects_linked, media_linked, objects_ambiguous). Runs the whole job in your transaction: places the user''s unlinked device-time chunks (DESIGN §2: exact UTC, or left waiting/ambiguous with a reason, see chunk_placements), links the user''s unlinked UTC chunks that overlap the session, fills media experiment_id, marks the session completed. On a data error it undoes its own work, marks the session failed with link_error and returns the row (no raise). objects_converted: chunks this call placed in this session; objects_linked: all objects now linked to it (new-device rows included); objects_ambiguous: chunks left ambiguous with this session among their candidates. Raises DL001 unknown session, DL002 session not ended; transient errors (datalinker.is_transient: SQLSTATE 40/53/57/08, 55P03) propagate so the caller retries. Safe to re-run. Example: SELECT * FROM datalinker.link_session(''s-1'');';
