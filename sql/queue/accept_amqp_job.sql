-- datalinker.accept_amqp_job: turns one AMQP message of data_linker_queue into a job, once per message_id (the bridge acks only after this commits) — outcome 'queued' (msg_id), 'duplicate' (seen before: the first outcome repeated) or 'refused' (the reason, for the AMQP dead-letter exchange).
CREATE OR REPLACE FUNCTION datalinker.accept_amqp_job(p_message_id text, p_body text)
RETURNS TABLE (outcome text, msg_id bigint, reason text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_id      text := coalesce(nullif(p_message_id, ''), 'md5:' || md5(coalesce(p_body, '')));
    v_payload jsonb;
    v_reason  text;
    v_msg_id  bigint;
    v_state   text;
BEGIN
    INSERT INTO datalinker.amqp_inbox (message_id) VALUES (v_id) ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'duplicate', i.msg_id, i.refused FROM datalinker.amqp_inbox i WHERE i.message_id = v_id;
        RETURN;
    END IF;
    BEGIN
        v_payload := p_body::jsonb;
        v_reason := coalesce(datalinker.payload_problem(v_payload),
                             CASE WHEN v_payload ? 'user_id' THEN 'a placement job {"user_id"} is queued by uploads,'
                                                                   ' not over AMQP' END);
    EXCEPTION WHEN data_exception THEN
        v_reason := 'payload is not JSON: ' || left(coalesce(p_body, 'NULL'), 200);
    END;
    IF v_reason IS NULL THEN
        BEGIN
            v_msg_id := datalinker.enqueue_link(v_payload ->> 'session_id');
        EXCEPTION WHEN SQLSTATE 'DL001' OR SQLSTATE 'DL002' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_reason = MESSAGE_TEXT;
            v_reason := v_state || ': ' || v_reason;
        END;
    END IF;
    UPDATE datalinker.amqp_inbox i SET msg_id = v_msg_id, refused = v_reason WHERE i.message_id = v_id;
    RETURN QUERY SELECT CASE WHEN v_reason IS NULL THEN 'queued' ELSE 'refused' END, v_msg_id, v_reason;
END;
$$;

COMMENT ON FUNCTION datalinker.accept_amqp_job(text, text) IS $doc$One AMQP data_linker_queue message as a job, deduplicated by message_id (md5 of the body when empty) in the caller's transaction: queued (msg_id of the pgmq job), duplicate (seen before; its first msg_id/reason), refused (bad payload, DL001 unknown session, DL002 not ended: the reason).

Example: `SELECT * FROM datalinker.accept_amqp_job('m-1', '{"session_id": "s-1"}');`$doc$;
