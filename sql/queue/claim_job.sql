-- datalinker.claim_job: claims the next visible data_linker_queue message for p_vt_seconds (pgmq.read: read_ct counted) and marks its session processing; call it in its own short transaction and commit.
CREATE OR REPLACE FUNCTION datalinker.claim_job(p_vt_seconds integer DEFAULT 60)
RETURNS TABLE (msg_id bigint, read_ct integer, session_id text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_msg pgmq.message_record;
BEGIN
    SELECT * INTO v_msg FROM pgmq.read('data_linker_queue', p_vt_seconds, 1);
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF datalinker.payload_problem(v_msg.message) IS NULL THEN
        -- Observers see the job start; link_session decides the final status in the work transaction.
        -- A row locked elsewhere is skipped, not waited for: the claim must commit at once.
        UPDATE public.sessions s SET link_status = 'processing'
         WHERE s.session_id = (SELECT x.session_id FROM public.sessions x
                                WHERE x.session_id = v_msg.message ->> 'session_id'
                                  AND x.end_time IS NOT NULL
                                  AND x.link_status <> 'processing'
                                FOR NO KEY UPDATE SKIP LOCKED);
    END IF;
    RETURN QUERY SELECT v_msg.msg_id, v_msg.read_ct,
        CASE WHEN jsonb_typeof(v_msg.message) = 'object' THEN v_msg.message ->> 'session_id' END;
END;
$$;

COMMENT ON FUNCTION datalinker.claim_job(integer) IS
    'claim_job(p_vt_seconds int DEFAULT 60) -> TABLE(msg_id, read_ct, session_id): step 1 of a job. Commit it on its own so read_ct survives a crash of the work transaction; zero rows when the queue has nothing visible. Then call process_job(msg_id).';
