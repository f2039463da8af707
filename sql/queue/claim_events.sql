-- datalinker.claim_events: up to p_qty announcements of event_correction_queue for the AMQP bridge, invisible to others for p_vt seconds (pgmq.read, committed by the caller's statement); the bridge deletes each with ack_event after the broker confirmed it.
CREATE OR REPLACE FUNCTION datalinker.claim_events(p_vt integer, p_qty integer)
RETURNS TABLE (msg_id bigint, read_ct integer, enqueued_at timestamptz, message jsonb)
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.msg_id, r.read_ct, r.enqueued_at, r.message FROM pgmq.read('event_correction_queue', p_vt, p_qty) r
$$;

COMMENT ON FUNCTION datalinker.claim_events(integer, integer) IS $doc$Announcements {"session_id": …} to carry to AMQP, leased for p_vt seconds; msg_id is their stable AMQP message_id.

Example: `SELECT * FROM datalinker.claim_events(30, 100);`$doc$;
