-- datalinker.device_to_utc: one 32-bit device tick to exact UTC by DESIGN §2, for DBAs and tests; raises on ticks outside [0, 2^32) or a non-finite offset.
CREATE OR REPLACE FUNCTION datalinker.device_to_utc(
    p_device_us bigint,
    p_session_start timestamptz,
    p_offset_ms_avg double precision,
    p_received_at timestamptz
)
RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1  -- the double is read through its text form: always the shortest exact digits
AS $$
BEGIN
    IF p_device_us IS NULL OR p_session_start IS NULL OR p_offset_ms_avg IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_device_us < 0 OR p_device_us >= 4294967296 THEN
        RAISE EXCEPTION 'device tick % is outside the 32-bit counter range [0, 4294967296)', p_device_us
            USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF p_offset_ms_avg IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'clock offset % ms is not a finite number', p_offset_ms_avg
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF abs(p_offset_ms_avg) > 1e15 THEN
        RAISE EXCEPTION 'p_offset_ms_avg % ms is beyond ±1e15 ms', p_offset_ms_avg
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- x::text::numeric keeps the shortest exact decimal digits of the double (x::numeric keeps 15).
    RETURN datalinker.from_epoch_us(datalinker.device_to_utc_us(
        p_device_us,
        datalinker.epoch_us(p_session_start),
        round(p_offset_ms_avg::text::numeric * 1000)::bigint,
        datalinker.epoch_us(p_received_at),
        datalinker.skew_us()));
END;
$$;

COMMENT ON FUNCTION datalinker.device_to_utc(bigint, timestamptz, double precision, timestamptz) IS $doc$DESIGN §2 for one tick: `p_received_at` NULL means no wrap choice (n = 0); the double is read with all its digits (`x::text::numeric`). Raises `22003` for a tick outside [0, 2^32), `22023` for an offset NaN or ±Infinity.

Example: `SELECT datalinker.device_to_utc(1738693118, '2026-03-02 09:00+00', -1712345678901.25, '2026-03-02 09:10:03+00');` gives `2026-03-02 09:10:00+00`.$doc$;
