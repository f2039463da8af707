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

COMMENT ON FUNCTION datalinker.set_setting(text, bigint) IS $doc$Changes one tunable of `datalinker.settings` and returns its row; raises `22023` naming the name and the value for an unknown name or a value outside the setting's bounds.

Example: `SELECT * FROM datalinker.set_setting('skew_us', 120000000);`$doc$;
