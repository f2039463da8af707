-- datalinker.placement_summary: how many unlinked device-time chunks wait for each reason, and for how many users (status and doctor).
CREATE OR REPLACE FUNCTION datalinker.placement_summary()
RETURNS TABLE (reason text, chunks bigint, users bigint, oldest_received timestamptz)
LANGUAGE sql STABLE
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.reason, count(*), count(DISTINCT u.user_id), min(u.received_at)
    FROM datalinker.unplaced_chunks(NULL) u
    GROUP BY u.reason
    ORDER BY u.reason
$$;

COMMENT ON FUNCTION datalinker.placement_summary() IS $doc$Counts of `unplaced_chunks()` by reason, with how many users and the oldest upload (`datalinker status`).

Example: `SELECT * FROM datalinker.placement_summary();`$doc$;
