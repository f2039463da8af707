-- datalinker.session_chunks: the unlinked UTC chunks (new devices without a session_id) that the ended session owns right now (reads only; device-time chunks are placed by chunk_placements).
-- Owner rule (DESIGN §3): among the user's sessions a chunk overlaps, the one containing the chunk's
-- start wins, then the earliest start, then the smallest id. A running session reaches as far as
-- session_reach says (now(), max_session_us, the user's next session). The answer does not depend on link order.
CREATE OR REPLACE FUNCTION datalinker.session_chunks(p_session_id text)
RETURNS TABLE (object_id varchar, start_time timestamptz, end_time timestamptz)
LANGUAGE plpgsql STABLE
ROWS 50
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
RETURN QUERY
SELECT r.object_id, r.start_time, r.end_time
FROM public.sessions t
JOIN public.raw_data_objects r
  ON r.user_id = t.user_id
 AND r.session_id IS NULL
 AND r.start_time IS NOT NULL
 AND r.linked_by IS NULL  -- not a chunk placement decided: a session near it sends it back to placement
 AND tstzrange(r.start_time, r.end_time) && tstzrange(t.start_time, t.end_time)
WHERE t.session_id = p_session_id AND t.end_time IS NOT NULL
  AND NOT EXISTS (
      SELECT 1
      FROM public.sessions o
      WHERE o.user_id = t.user_id
        AND o.session_id <> t.session_id
        AND o.start_time < r.end_time
        AND datalinker.session_reach(o.user_id, o.start_time, o.end_time) > r.start_time
        AND (r.start_time < o.start_time, o.start_time, o.session_id)
            < (r.start_time < t.start_time, t.start_time, t.session_id));
END;
$$;

COMMENT ON FUNCTION datalinker.session_chunks(text) IS $doc$Unlinked UTC chunks that belong to the ended session by the owner rule. Read-only; zero rows for an unknown or running session.$doc$;
