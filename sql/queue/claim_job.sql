-- datalinker.claim_job: claims up to p_qty visible data_linker_queue messages for p_vt_seconds (one pgmq.read: read_ct counted) and marks their sessions processing; call it in its own short transaction and commit.
CREATE OR REPLACE FUNCTION datalinker.claim_job(p_vt_seconds integer DEFAULT 60, p_qty integer DEFAULT 1)
RETURNS TABLE (msg_id bigint, read_ct integer, session_id text, user_id text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF p_qty IS NULL OR p_qty NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'p_qty % is outside 1..1000 (messages claimed in one read)', coalesce(p_qty::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH msgs AS (
        SELECT m.msg_id, m.read_ct, m.message FROM pgmq.read('data_linker_queue', p_vt_seconds, p_qty) m
    ), marked AS (
        -- Observers see the jobs start; link_session decides the final status in each work transaction.
        -- A row locked elsewhere is skipped, not waited for: the claim must commit at once.
        UPDATE public.sessions s SET link_status = 'processing'
         WHERE s.session_id IN (SELECT x.session_id FROM public.sessions x
                                  JOIN msgs m ON x.session_id = m.message ->> 'session_id'
                                 WHERE datalinker.payload_problem(m.message) IS NULL
                                   AND x.end_time IS NOT NULL
                                   AND x.link_status <> 'processing'
                                 FOR NO KEY UPDATE OF x SKIP LOCKED)
        RETURNING 1
    )
    SELECT m.msg_id, m.read_ct,
           CASE WHEN jsonb_typeof(m.message) = 'object' THEN m.message ->> 'session_id' END,
           CASE WHEN jsonb_typeof(m.message) = 'object' THEN m.message ->> 'user_id' END
      FROM msgs m ORDER BY m.msg_id;
END;
$$;

COMMENT ON FUNCTION datalinker.claim_job(integer, integer) IS $doc$Step 1 of up to `p_qty` (1..1000, else `22023` naming `p_qty`) jobs in one `pgmq.read` (the worker's `--batch`), session jobs and placement jobs alike: the messages are leased for `p_vt_seconds` (`read_ct` + 1) and the sessions of session jobs marked `processing`. Commit it on its own so `read_ct` survives a crash of a work transaction; zero rows when nothing is visible. Then call `process_job(msg_id)` for each, each in its own transaction.

Example: `SELECT * FROM datalinker.claim_job(60, 10);`$doc$;
