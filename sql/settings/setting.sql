-- datalinker.setting: the value of one of the linker's tunables from the owner-only table datalinker.settings; raises 22023 for an unknown name.
CREATE OR REPLACE FUNCTION datalinker.setting(p_name text)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_value bigint;
BEGIN
    SELECT s.value INTO v_value FROM datalinker.settings s WHERE s.name = p_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown datalinker setting %', coalesce(quote_literal(p_name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN v_value;
END;
$$;

COMMENT ON FUNCTION datalinker.setting(text) IS
    'setting(p_name text) -> bigint: a tunable from datalinker.settings (skew_us, segment_gap_us, live_lag_us, max_upload_delay_us, session_margin_us, max_session_us, clock_fit_tolerance_us, clock_max_uncertainty_us, clock_reset_min_us). Example: SELECT datalinker.setting(''max_upload_delay_us'');';
