-- datalinker.placement_state: every device-time chunk of a user as {object_id: [session_id, start_time, end_time, expired]} — what verify_derived compares.
CREATE OR REPLACE FUNCTION datalinker.placement_state(p_user_id text)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(jsonb_object_agg(r.object_id, jsonb_build_array(r.session_id, r.start_time, r.end_time,
                                                                   r.expired_at IS NOT NULL)), '{}'::jsonb)
    FROM public.raw_data_objects r
    WHERE r.user_id = p_user_id AND r.start_time_device IS NOT NULL
$$;

COMMENT ON FUNCTION datalinker.placement_state(text) IS $doc$The user's device-time chunks as one JSON object `{object_id: [session_id, start_time, end_time, expired]}`; `verify_derived` compares it before and after a rebuild.$doc$;
