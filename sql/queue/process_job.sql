-- datalinker.process_job: step 2 of a job, one transaction — a session job (link_session) or a placement job (place_job); delete the message and announce on event_correction_queue, or dead-letter it with the reason when it cannot succeed.
CREATE OR REPLACE FUNCTION datalinker.process_job(p_msg_id bigint, p_max_attempts integer DEFAULT 5)
RETURNS TABLE (msg_id bigint, session_id text, outcome text, reason text, link_status text,
               objects_converted integer, objects_linked integer, media_linked integer, user_id text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_msg        record;
    v_session_id text;
    v_user_id    text;
    v_reason     text;
    v_error      text;
    v_session    public.sessions%ROWTYPE;
    v_link       record;
    v_placed     integer := 0;
BEGIN
    -- The row lock is the job's lease while it runs: pgmq.read skips locked rows even after vt expires.
    SELECT q.msg_id, q.read_ct, q.message INTO v_msg
      FROM pgmq.q_data_linker_queue q WHERE q.msg_id = p_msg_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT p_msg_id, NULL::text, 'gone'::text,
            'message is no longer in data_linker_queue (handled by another worker)'::text, NULL::text, 0, 0, 0, NULL::text;
        RETURN;
    END IF;

    v_error := datalinker.payload_problem(v_msg.message);
    IF v_error IS NOT NULL THEN
        v_reason := 'bad_payload';
    ELSIF v_msg.message ? 'user_id' THEN  -- a placement job: the user's late and offline chunks
        v_user_id := v_msg.message ->> 'user_id';
        IF v_msg.read_ct > p_max_attempts THEN
            v_reason := 'too_many_attempts';
            v_error := format('gave up after %s attempts (transient errors, see the worker log)', p_max_attempts);
        ELSE
            SELECT x.placed, x.reason, x.error INTO v_placed, v_reason, v_error FROM datalinker.place_job(v_user_id) x;
        END IF;
        IF v_reason IS NOT NULL THEN  -- its request goes with it: the user's next upload queues a new job
            DELETE FROM datalinker.placement_requests r WHERE r.user_id = v_user_id;
        END IF;
    ELSE
        v_session_id := v_msg.message ->> 'session_id';
        SELECT * INTO v_session FROM public.sessions s WHERE s.session_id = v_session_id;
        IF NOT FOUND THEN
            v_reason := 'unknown_session';
            v_error := format('unknown session %L', v_session_id);
        ELSIF v_msg.read_ct > p_max_attempts THEN
            v_reason := 'too_many_attempts';
            v_error := format('gave up after %s attempts (transient errors, see the worker log)', p_max_attempts);
            UPDATE public.sessions s SET link_status = 'failed', link_error = v_error WHERE s.session_id = v_session_id;
        ELSIF v_session.end_time IS NULL THEN
            v_reason := 'session_not_ended';
            v_error := format('session %L has not ended (end_time is NULL)', v_session_id);
        ELSE
            SELECT * INTO v_link FROM datalinker.link_session(v_session_id);
            IF v_link.link_status = 'failed' THEN
                v_reason := 'link_failed';
                SELECT s.link_error INTO v_error FROM public.sessions s WHERE s.session_id = v_session_id;
            END IF;
        END IF;
    END IF;

    IF v_reason IS NOT NULL THEN
        PERFORM datalinker.dead_letter(p_msg_id, v_msg.message, v_msg.read_ct, v_reason, v_error);
        RETURN QUERY SELECT p_msg_id, v_session_id, 'dead_lettered'::text, v_reason,
            (SELECT s.link_status::text FROM public.sessions s WHERE s.session_id = v_session_id), 0, 0, 0, v_user_id;
        RETURN;
    END IF;

    -- pgmq.delete as the static statement it runs (tests/sql/test_queue_sql.py checks it against pgmq).
    DELETE FROM pgmq.q_data_linker_queue q WHERE q.msg_id = p_msg_id;
    IF v_user_id IS NOT NULL THEN
        RETURN QUERY SELECT p_msg_id, NULL::text, 'completed'::text, NULL::text, NULL::text, v_placed, v_placed, 0,
            v_user_id;
        RETURN;
    END IF;
    PERFORM datalinker.announce(v_session_id);
    RETURN QUERY SELECT p_msg_id, v_session_id, 'completed'::text, NULL::text, v_link.link_status,
        v_link.objects_converted, v_link.objects_linked, v_link.media_linked, NULL::text;
END;
$$;

COMMENT ON FUNCTION datalinker.process_job(bigint, integer) IS $doc$Step 2 of a job, one transaction: locks the message row (`FOR UPDATE`, the lease while it runs) and validates the payload (`payload_problem`). A session job `{"session_id"}` runs `link_session`, deletes the message and announces the session (`announce`); a placement job `{"user_id"}` (queued by an upload, `note_device_uploads`) runs `place_job`: the user's late and offline chunks placed, every completed session that got some announced. Both end `outcome = completed`, or dead-lettered (`outcome = dead_lettered`, `reason` one of `bad_payload`, `unknown_session`, `session_not_ended`, `link_failed`, `placement_failed`, `too_many_attempts` when `read_ct > p_max_attempts`, which also marks a session `failed`). `outcome = gone` when another worker already finished it. One policy for both kinds: errors for which `is_transient` is true propagate (roll back; the message comes back after its lease or `retry_job`), anything else dead-letters at once with the error.

Example: `SELECT * FROM datalinker.process_job(42);`$doc$;
