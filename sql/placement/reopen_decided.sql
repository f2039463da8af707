-- datalinker.reopen_decided: after a session is added or its times or clock change, the user's chunks decided outside every session that it could now own or convert (nearer to it than to its neighbours) become pending again, and a placement job is queued.
-- Window: from midway between the previous session's start and this one's to the next session's start
-- (both places of the session on an update); a decided chunk elsewhere keeps its owner and its clock.
CREATE OR REPLACE FUNCTION datalinker.reopen_decided()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_first  timestamptz := NEW.start_time;
    v_last   timestamptz := NEW.start_time;
    v_from   timestamptz;
    v_to     timestamptz;
    v_count  integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.start_time, NEW.end_time, NEW.clock_offset_info::text, NEW.user_id)
           IS NOT DISTINCT FROM (OLD.start_time, OLD.end_time, OLD.clock_offset_info::text, OLD.user_id) THEN
            RETURN NULL;
        END IF;
        v_first := least(NEW.start_time, OLD.start_time);
        v_last := greatest(NEW.start_time, OLD.start_time);
    END IF;
    SELECT v_first - (v_first - max(s.start_time)) / 2 INTO v_from
      FROM public.sessions s
     WHERE s.user_id = NEW.user_id AND s.session_id <> NEW.session_id AND s.start_time < v_first;
    SELECT min(s.start_time) INTO v_to
      FROM public.sessions s
     WHERE s.user_id = NEW.user_id AND s.session_id <> NEW.session_id AND s.start_time > v_last;
    UPDATE public.raw_data_objects r SET start_time = NULL, end_time = NULL, linked_by = NULL
     WHERE r.user_id = NEW.user_id AND r.session_id IS NULL AND r.linked_by = 'placement'
       AND r.start_time >= coalesce(v_from, '-infinity') AND r.start_time < coalesce(v_to, 'infinity');
    GET DIAGNOSTICS v_count = ROW_COUNT;
    IF v_count > 0 THEN
        PERFORM datalinker.queue_placements(ARRAY[NEW.user_id::text]);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION datalinker.reopen_decided() IS $doc$Trigger function of `sessions_reopen_decided` (`AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info, user_id ON public.sessions`, per row): a decided chunk (`session_id` NULL, `linked_by = 'placement'`) is final only while no session near it changes. When a session is added or its times or clock change, the user's decided chunks from midway between the previous session's start and this one's up to the next session's start lose their UTC (pending again) and a placement job is queued: the next pass decides them as if everything had been placed at once.$doc$;

CREATE OR REPLACE TRIGGER sessions_reopen_decided
    AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info, user_id ON public.sessions
    FOR EACH ROW EXECUTE FUNCTION datalinker.reopen_decided();
