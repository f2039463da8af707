-- datalinker.user_timeline: one user's sessions, chunks with UTC times and unplaced device-time chunks (at their upload time, with the reason) between p_from and p_to — what `datalinker timeline` draws.
CREATE OR REPLACE FUNCTION datalinker.user_timeline(p_user_id text, p_from timestamptz DEFAULT NULL,
                                                    p_to timestamptz DEFAULT NULL)
RETURNS TABLE (kind text, item_id text, category text, state text, start_time timestamptz, end_time timestamptz)
LANGUAGE sql STABLE
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    WITH w AS (SELECT coalesce(p_from, '-infinity'::timestamptz) AS t0, coalesce(p_to, 'infinity'::timestamptz) AS t1)
    SELECT 'session', s.session_id::text, s.session_type::text, s.link_status::text, s.start_time,
           coalesce(s.end_time, greatest(now(), s.start_time))
    FROM public.sessions s, w
    WHERE s.user_id = p_user_id AND s.start_time < w.t1 AND coalesce(s.end_time, 'infinity') > w.t0
    UNION ALL
    SELECT 'chunk', r.object_id::text, r.data_type::text, CASE WHEN r.session_id IS NULL THEN 'unlinked' ELSE 'linked' END,
           r.start_time, r.end_time
    FROM public.raw_data_objects r, w
    WHERE r.user_id = p_user_id AND r.start_time IS NOT NULL AND r.start_time < w.t1 AND r.end_time > w.t0
    UNION ALL  -- no UTC time yet: drawn where it is known, at its upload
    SELECT 'unplaced', u.object_id::text, u.data_type::text, u.reason, u.received_at, u.received_at
    FROM datalinker.unplaced_chunks(p_user_id) u, w
    WHERE u.received_at >= w.t0 AND u.received_at < w.t1
    ORDER BY 1, 5, 2
$$;

COMMENT ON FUNCTION datalinker.user_timeline(text, timestamptz, timestamptz) IS $doc$What `datalinker timeline` draws, overlapping the window: `session` rows (category `session_type`, state `link_status`; a running session ends at `now()`), `chunk` rows with UTC times (category `data_type`, state `linked` or `unlinked`) and `unplaced` device-time chunks (no UTC time yet: start = end = the upload time, state = the `unplaced_chunks` reason).

Example: `SELECT kind, state, count(*) FROM datalinker.user_timeline('u1') GROUP BY 1, 2;`$doc$;
