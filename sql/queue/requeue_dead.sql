-- datalinker.requeue_dead: moves up to p_limit dead letters back to data_linker_queue as their original payloads (after a fix); returns how many.
CREATE OR REPLACE FUNCTION datalinker.requeue_dead(p_limit integer DEFAULT 1000)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count integer := 0;
    v_msg   pgmq.message_record;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RAISE EXCEPTION 'p_limit % must be a positive number of dead letters', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_msg IN SELECT * FROM pgmq.read('data_linker_dead_letter', 30, p_limit) LOOP
        -- Only an envelope whose payload is a JSON object goes back; anything else stays a dead letter.
        IF jsonb_typeof(v_msg.message) = 'object' AND jsonb_typeof(v_msg.message -> 'payload') = 'object' THEN
            PERFORM pgmq.send('data_linker_queue', v_msg.message -> 'payload');
            PERFORM pgmq.delete('data_linker_dead_letter', v_msg.msg_id);
            v_count := v_count + 1;
        ELSE
            PERFORM pgmq.set_vt('data_linker_dead_letter', v_msg.msg_id, 0);
        END IF;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.requeue_dead(integer) IS $doc$Re-sends the original payloads of up to `p_limit` dead letters to `data_linker_queue` after a fix (a failed session is retried by `link_session`); envelopes without a JSON object payload stay in the dead-letter queue. Raises `22023` for `p_limit` < 1. CLI: `datalinker requeue-dead`.

Example: `SELECT datalinker.requeue_dead(100);`$doc$;
