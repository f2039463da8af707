-- datalinker.from_epoch_us: integer microseconds since the Unix epoch back to an exact timestamptz.
CREATE OR REPLACE FUNCTION datalinker.from_epoch_us(p_us bigint)
RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT to_timestamp(0) + p_us * interval '1 microsecond'
$$;

COMMENT ON FUNCTION datalinker.from_epoch_us(bigint) IS $doc$Inverse of epoch_us, exact to the microsecond.

Example: `SELECT datalinker.from_epoch_us(1500000);` gives `1970-01-01 00:00:01.5+00`.$doc$;
