-- datalinker.note_device_uploads: statement trigger on raw_data_objects — notes each user who got new unlinked device-time rows in datalinker.placement_requests (one row per user) so the worker places them; users with a running session are left to that session's end.
CREATE OR REPLACE FUNCTION datalinker.note_device_uploads()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_noted integer;
BEGIN
    INSERT INTO datalinker.placement_requests (user_id)
    SELECT DISTINCT n.user_id
    FROM new_rows n
    WHERE n.session_id IS NULL AND n.start_time IS NULL
      AND NOT EXISTS (  -- a running session of the user: its end_session places everything of the user
          SELECT 1 FROM public.sessions s
          WHERE s.user_id = n.user_id AND s.end_time IS NULL
            AND s.start_time > now() - datalinker.setting('max_session_us') * interval '1 microsecond')
    ON CONFLICT (user_id) DO NOTHING;
    GET DIAGNOSTICS v_noted = ROW_COUNT;
    IF v_noted > 0 THEN
        PERFORM pg_notify('datalinker_placement', '');
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION datalinker.note_device_uploads() IS $doc$Trigger function of `raw_data_objects_note_device_uploads` (`AFTER INSERT … REFERENCING NEW TABLE … FOR EACH STATEMENT`): one `INSERT … ON CONFLICT DO NOTHING` of the distinct users with new unlinked device-time rows into `datalinker.placement_requests`, then `NOTIFY datalinker_placement`. Users with a running session (started less than `max_session_us` ago) are skipped: that session's end places everything of the user. A COPY of 100,000 rows costs one grouped insert.$doc$;

CREATE OR REPLACE TRIGGER raw_data_objects_note_device_uploads
    AFTER INSERT ON public.raw_data_objects
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION datalinker.note_device_uploads();
