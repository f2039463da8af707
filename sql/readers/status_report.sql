-- datalinker.status_report: what `datalinker status` shows, for any project role — sessions per link_status, queue depth and oldest message age per queue, unlinked device-time chunks per reason.
CREATE OR REPLACE FUNCTION datalinker.status_report()
RETURNS TABLE (section text, name text, count bigint, detail text, age_s bigint)
LANGUAGE sql STABLE
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'sessions', s.link_status::text, count(*), NULL::text, NULL::bigint
    FROM public.sessions s
    GROUP BY s.link_status
    UNION ALL
    SELECT 'queues', m.queue_name::text, m.queue_length,
           CASE WHEN m.oldest_msg_age_sec IS NOT NULL THEN 'oldest message ' || m.oldest_msg_age_sec || ' s old' END,
           m.oldest_msg_age_sec::bigint
    FROM pgmq.metrics_all() m
    UNION ALL
    SELECT 'placement requests', 'users', count(*),
           CASE WHEN count(*) > 0 THEN 'oldest ' || min(r.requested_at)::text END,
           extract(epoch FROM now() - min(r.requested_at))::bigint
    FROM datalinker.placement_requests r
    UNION ALL
    SELECT 'unlinked chunks', p.reason, p.chunks, p.users || ' user(s); oldest received ' || p.oldest_received::text,
           extract(epoch FROM now() - p.oldest_received)::bigint
    FROM datalinker.placement_summary() p
$$;

COMMENT ON FUNCTION datalinker.status_report() IS $doc$Sessions per link_status, pgmq queue lengths and oldest message age, users with a placement job queued, unlinked device-time chunks per reason (see unplaced_chunks); age_s: the age in seconds of the oldest message, request or chunk (NULL for sessions).

Example: `SELECT * FROM datalinker.status_report();`$doc$;
