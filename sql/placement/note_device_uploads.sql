-- datalinker.note_device_uploads: after an upload, one placement job {"user_id"} on data_linker_queue per user with new unlinked device-time rows and none queued yet (a statement trigger: one grouped insert whatever the upload's size).
CREATE OR REPLACE FUNCTION datalinker.note_device_uploads()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM datalinker.queue_placements(array_agg(DISTINCT n.user_id))
    FROM new_rows n
    WHERE n.session_id IS NULL AND n.start_time IS NULL
      AND NOT EXISTS (  -- uploaded while a session of the user runs: its end_session places everything of the user
          SELECT 1 FROM public.sessions s
          WHERE s.user_id = n.user_id AND s.end_time IS NULL AND n.created_at >= s.start_time
            AND n.created_at < s.start_time + datalinker.setting('max_session_us') * interval '1 microsecond');
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION datalinker.note_device_uploads() IS $doc$Trigger function of `raw_data_objects_note_device_uploads` (`AFTER INSERT … REFERENCING NEW TABLE … FOR EACH STATEMENT`): one `INSERT … ON CONFLICT DO NOTHING` of the distinct users with new unlinked device-time rows into `datalinker.placement_requests` (the mark "a placement of this user is queued"), and for each user newly marked a placement job `{"user_id": …}` on `data_linker_queue`, handled by `process_job` like a session job. Rows uploaded while a session of their user runs (from its start, for at most `max_session_us`) queue nothing: that session's end places everything of the user. A COPY of 100,000 rows costs one grouped insert.$doc$;

CREATE OR REPLACE TRIGGER raw_data_objects_note_device_uploads
    AFTER INSERT ON public.raw_data_objects
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION datalinker.note_device_uploads();
