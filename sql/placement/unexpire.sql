-- datalinker.unexpire: an operator brings expired chunks (of one user, or of all) back into the pending set and queues their users' placement; returns how many chunks.
CREATE OR REPLACE FUNCTION datalinker.unexpire(p_user_id text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_users text[];
    v_count integer;
BEGIN
    WITH back AS (
        UPDATE public.raw_data_objects r SET expired_at = NULL
         WHERE r.expired_at IS NOT NULL AND (p_user_id IS NULL OR r.user_id = p_user_id)
        RETURNING r.user_id
    )
    SELECT array_agg(DISTINCT b.user_id), count(*) INTO v_users, v_count FROM back b;
    PERFORM datalinker.queue_placements(v_users);
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.unexpire(text) IS $doc$Brings the expired chunks of a user (all users when NULL) back into the pending set and queues a placement job for each of their users: after a session over their time was registered late, or the upload window (`max_upload_delay_us`) was widened. A chunk still waiting past the window expires again at its next pass. CLI: `datalinker unexpire [--user U]`.

Example: `SELECT datalinker.unexpire('u1');`$doc$;
