-- datalinker.unplaced_chunks: every unlinked device-time chunk (of one user, or of all) with the reason it is not linked — placeable (the worker has not run yet), session_running, waiting, ambiguous (with candidate sessions), no_clock, outside_sessions, expired.
CREATE OR REPLACE FUNCTION datalinker.unplaced_chunks(p_user_id text DEFAULT NULL)
RETURNS TABLE (object_id varchar, user_id varchar, data_type varchar, received_at timestamptz, reason text,
               candidate_sessions varchar[])
LANGUAGE sql STABLE
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.object_id, u.user_id, c.data_type, c.received_at,
           CASE WHEN c.status = 'placed' THEN 'placeable' ELSE c.status END, c.candidate_sessions
    FROM (SELECT DISTINCT r.user_id FROM public.raw_data_objects r
          WHERE r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
            AND (p_user_id IS NULL OR r.user_id = p_user_id)) u
    CROSS JOIN LATERAL datalinker.chunk_placements(u.user_id) c
    UNION ALL
    SELECT r.object_id, r.user_id, r.data_type, r.created_at,
           CASE WHEN r.expired_at IS NOT NULL THEN 'expired' ELSE 'outside_sessions' END, NULL::varchar[]
    FROM public.raw_data_objects r
    WHERE (r.expired_at IS NOT NULL OR (r.session_id IS NULL AND r.linked_by = 'placement'))
      AND (p_user_id IS NULL OR r.user_id = p_user_id)
$$;

COMMENT ON FUNCTION datalinker.unplaced_chunks(text) IS $doc$Why each unlinked device-time chunk is not linked. reason: placeable (a placement pass will link it), session_running (its session has not ended), waiting (no session can take it yet: its session is missing, or it lies outside every session), ambiguous (several placements fit equally; candidate_sessions), no_clock (its session has no usable clock_offset_info), outside_sessions (it streamed live between sessions: its UTC is decided and stored, `session_id` NULL; or no clock converts it yet), expired (it waited past the upload window: no pass reads it again; `unexpire` brings it back).

Example: `SELECT reason, count(*) FROM datalinker.unplaced_chunks() GROUP BY 1;`$doc$;
