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

COMMENT ON FUNCTION datalinker.setting(text) IS $doc$The value of one tunable of `datalinker.settings` (the table of tunables above lists them). Raises `22023` for an unknown name.

Example: `SELECT datalinker.setting('max_upload_delay_us');`$doc$;
