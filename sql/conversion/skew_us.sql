-- datalinker.skew_us: the tolerated server-vs-device clock error SKEW_US of DESIGN §2 (default 60 s), from the owner-only table datalinker.settings (a caller's SET changes nothing).
CREATE OR REPLACE FUNCTION datalinker.skew_us()
RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
-- PL/pgSQL keeps its plan for the connection; a SQL function pinning its search_path was planned on every call.
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT s.value FROM datalinker.settings s WHERE s.name = 'skew_us');
END;
$$;

COMMENT ON FUNCTION datalinker.skew_us() IS $doc$The setting `skew_us` (SKEW_US of DESIGN §2, in µs): how far a device may be ahead of the server's receipt clock.

Example: `SELECT datalinker.skew_us();`$doc$;
