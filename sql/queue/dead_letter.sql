-- datalinker.dead_letter: moves a data_linker_queue message to the dead-letter queue with its reason (archives the original, sends an envelope).
CREATE OR REPLACE FUNCTION datalinker.dead_letter(
    p_msg_id bigint, p_payload jsonb, p_read_ct integer, p_reason text, p_error text
)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pgmq.send('data_linker_dead_letter', jsonb_build_object(
        'payload', p_payload,
        'reason', p_reason,
        'error', p_error,
        'msg_id', p_msg_id,
        'read_ct', p_read_ct,
        'dead_lettered_at', clock_timestamp()));
    PERFORM pgmq.archive('data_linker_queue', p_msg_id);
END;
$$;

COMMENT ON FUNCTION datalinker.dead_letter(bigint, jsonb, integer, text, text) IS $doc$Archives the message in `pgmq.a_data_linker_queue` and sends `{payload, reason, error, msg_id, read_ct, dead_lettered_at}` to `data_linker_dead_letter`. Reasons: `bad_payload`, `unknown_session`, `session_not_ended`, `link_failed`, `too_many_attempts`. Part of `process_job`.$doc$;
