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
    FOR v_msg IN SELECT * FROM pgmq.pop('data_linker_dead_letter', p_limit) LOOP
        PERFORM pgmq.send('data_linker_queue', v_msg.message -> 'payload');
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.requeue_dead(integer) IS
    'requeue_dead(p_limit int DEFAULT 1000) -> int: pops dead letters and re-sends their original payloads to data_linker_queue (a failed session is retried by link_session).';
