-- datalinker.skew_us: the tolerated server-vs-device clock error SKEW_US of DESIGN §2 (default 60 s).
-- Configure with the setting datalinker.skew_us (microseconds): SET, ALTER DATABASE/ROLE ... SET.
CREATE OR REPLACE FUNCTION datalinker.skew_us()
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(current_setting('datalinker.skew_us', true), '')::bigint, 60000000)
$$;

COMMENT ON FUNCTION datalinker.skew_us() IS
    'skew_us() -> bigint: SKEW_US in microseconds, from the setting datalinker.skew_us (default 60000000 = 60 s). Example: SET datalinker.skew_us = 120000000;';
