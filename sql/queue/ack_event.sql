-- datalinker.ack_event: deletes an announcement of event_correction_queue once the AMQP broker confirmed it; false when it was gone already.
CREATE OR REPLACE FUNCTION datalinker.ack_event(p_msg_id bigint)
RETURNS boolean
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pgmq.delete('event_correction_queue', p_msg_id)
$$;

COMMENT ON FUNCTION datalinker.ack_event(bigint) IS $doc$Deletes an announcement the AMQP bridge has published and the broker confirmed (false: already gone).

Example: `SELECT datalinker.ack_event(42);`$doc$;
