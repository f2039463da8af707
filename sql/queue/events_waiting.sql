-- datalinker.events_waiting: how many announcements event_correction_queue holds (visible or leased) — the AMQP bridge is idle only at 0.
CREATE OR REPLACE FUNCTION datalinker.events_waiting()
RETURNS bigint
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FROM pgmq.q_event_correction_queue
$$;

COMMENT ON FUNCTION datalinker.events_waiting() IS $doc$Announcements in event_correction_queue, leased or not (datalinker amqp-bridge --exit-when-idle waits for 0).

Example: `SELECT datalinker.events_waiting();`$doc$;
