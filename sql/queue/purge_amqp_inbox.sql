-- datalinker.purge_amqp_inbox: forgets AMQP message ids older than p_older_than (a broker redelivers only unacked messages, within minutes); returns how many.
CREATE OR REPLACE FUNCTION datalinker.purge_amqp_inbox(p_older_than interval)
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (DELETE FROM datalinker.amqp_inbox i WHERE i.received_at < now() - p_older_than RETURNING 1)
    SELECT count(*) FROM gone
$$;

COMMENT ON FUNCTION datalinker.purge_amqp_inbox(interval) IS $doc$Deletes deduplication rows of AMQP messages received before now() - p_older_than (the bridge purges 7 days every hour).

Example: `SELECT datalinker.purge_amqp_inbox('7 days');`$doc$;
