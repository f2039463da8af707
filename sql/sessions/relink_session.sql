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

COMMENT ON FUNCTION datalinker.relink_session(text) IS $doc$A correction after an operator fixed the session's `clock_offset_info` or `end_time`, in one transaction: chunks the linker converted for the session (`linked_by = 'placement'`) lose their UTC times and session, UTC chunks it linked by overlap (`linked_by = 'overlap'`) lose their session (rows that came with their `session_id`, `linked_by` NULL, are never touched), then everything is placed and linked again as by `link_session`, with the same result, errors and locking. On a data error the undo is rolled back with the rest; only the session's `failed` status and `link_error` remain. CLI: `datalinker relink SESSION`.

Example: `SELECT * FROM datalinker.relink_session('s-1');`$doc$;
