-- datalinker.set_setting: changes one of the linker's tunables (role datalinker_admin); refuses an unknown name or a value outside the setting's bounds, naming both.
CREATE OR REPLACE FUNCTION datalinker.set_setting(p_name text, p_value bigint)
RETURNS TABLE (name text, value bigint, min_value bigint, max_value bigint, unit text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_row datalinker.settings%ROWTYPE;
BEGIN
    SELECT * INTO v_row FROM datalinker.settings s WHERE s.name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown datalinker setting %', coalesce(quote_literal(p_name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT name FROM datalinker.settings lists them.';
    END IF;
    IF p_value IS NULL OR p_value NOT BETWEEN v_row.min_value AND v_row.max_value THEN
        RAISE EXCEPTION 'setting % = % is outside [%, %] %', p_name, coalesce(p_value::text, 'NULL'),
            v_row.min_value, v_row.max_value, v_row.unit
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE datalinker.settings s SET value = p_value WHERE s.name = p_name;
    RETURN QUERY SELECT s.name, s.value, s.min_value, s.max_value, s.unit FROM datalinker.settings s WHERE s.name = p_name;
END;
$$;

COMMENT ON FUNCTION datalinker.set_setting(text, bigint) IS
    'set_setting(p_name text, p_value bigint) -> the setting''s row: changes a tunable of datalinker.settings (skew_us, segment_gap_us, live_lag_us, max_upload_delay_us, session_margin_us, max_session_us, clock_fit_tolerance_us, clock_max_uncertainty_us, clock_reset_min_us). Role datalinker_admin. Raises 22023 for an unknown name or a value outside its bounds. Example: SELECT * FROM datalinker.set_setting(''skew_us'', 120000000);';
