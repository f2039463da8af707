-- datalinker.queue_placements: one placement job {"user_id"} on data_linker_queue for each of the users that has none queued yet (the request row is the mark); returns how many were queued.
CREATE OR REPLACE FUNCTION datalinker.queue_placements(p_user_ids text[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_user   text;
    v_queued integer := 0;
BEGIN
    FOR v_user IN
        INSERT INTO datalinker.placement_requests (user_id)
        SELECT DISTINCT u FROM unnest(p_user_ids) AS u WHERE u IS NOT NULL
        ON CONFLICT (user_id) DO NOTHING
        RETURNING user_id
    LOOP
        PERFORM pgmq.send('data_linker_queue', jsonb_build_object('user_id', v_user));
        v_queued := v_queued + 1;
    END LOOP;
    RETURN v_queued;
END;
$$;

COMMENT ON FUNCTION datalinker.queue_placements(text[]) IS $doc$Queues a placement job `{"user_id": …}` for each user without one queued (marked in `datalinker.placement_requests`; the job's `place_user` clears the mark); returns how many it queued. Used by the upload trigger and `unexpire`.$doc$;
