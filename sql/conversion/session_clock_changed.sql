-- datalinker.session_clock_changed: trigger function — a session added, or its times or clock changed, stores its clock pieces again; a change of datalinker.settings stores every session's.
CREATE OR REPLACE FUNCTION datalinker.session_clock_changed()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'settings' THEN
        PERFORM datalinker.store_session_clock(NULL);
    ELSE
        PERFORM datalinker.store_session_clock(NEW.session_id);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION datalinker.session_clock_changed() IS $doc$Trigger function of `sessions_store_clock` (`AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info ON public.sessions`, per row) and `settings_store_clocks` (`AFTER UPDATE ON datalinker.settings`, per statement): keeps `datalinker.session_clocks` what `store_session_clock` would build.$doc$;

CREATE OR REPLACE TRIGGER sessions_store_clock
    AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info ON public.sessions
    FOR EACH ROW EXECUTE FUNCTION datalinker.session_clock_changed();

CREATE OR REPLACE TRIGGER settings_store_clocks
    AFTER UPDATE ON datalinker.settings
    FOR EACH STATEMENT EXECUTE FUNCTION datalinker.session_clock_changed();
