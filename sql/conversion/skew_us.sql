-- datalinker.skew_us: the tolerated server-vs-device clock error SKEW_US of DESIGN §2 (default 60 s), from the owner-only table datalinker.settings (a caller's SET changes nothing).
CREATE OR REPLACE FUNCTION datalinker.skew_us()
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.value FROM datalinker.settings s WHERE s.name = 'skew_us'
$$;

COMMENT ON FUNCTION datalinker.skew_us() IS
    'skew_us() -> bigint: SKEW_US in microseconds from datalinker.settings (row skew_us, default 60000000 = 60 s, bounded by a CHECK). Only the owner changes it: UPDATE datalinker.settings SET value = 120000000 WHERE name = ''skew_us'';';
