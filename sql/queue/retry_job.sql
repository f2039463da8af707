-- datalinker.retry_job: after a transient failure, makes a claimed data_linker_queue message visible again in p_delay_seconds (pgmq.set_vt).
CREATE OR REPLACE FUNCTION datalinker.retry_job(p_msg_id bigint, p_delay_seconds integer)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pgmq.set_vt('data_linker_queue', p_msg_id, greatest(p_delay_seconds, 0));
END;
$$;

COMMENT ON FUNCTION datalinker.retry_job(bigint, integer) IS $doc$The worker's backoff after a transient error (`pgmq.set_vt`): the message becomes visible again after `p_delay_seconds`; its `read_ct` keeps counting attempts.

Example: `SELECT datalinker.retry_job(42, 4);`$doc$;
