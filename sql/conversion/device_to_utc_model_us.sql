-- datalinker.device_to_utc_model_us: a device tick to UTC µs under a clock line (clock_pieces); the wrap is DESIGN §2's, chosen with the offset at receipt; slope 0 gives device_to_utc_us bit for bit.
-- p_anchor_device_us is the chunk's start tick (it fixes the wrap); p_device_us is the tick to convert
-- (the start itself, or the end tick). Plain SQL, inlined into the linker's set-based query.
-- With a slope it solves t + mean_off + slope·(t − mean_at) = D exactly in numeric, rounded to the µs,
-- where D is the unwrapped device reading.
CREATE OR REPLACE FUNCTION datalinker.device_to_utc_model_us(
    p_device_us bigint, p_anchor_device_us bigint, p_session_start_us bigint, p_received_us bigint,
    p_skew_us bigint, p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric
)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_slope = 0
        THEN datalinker.device_to_utc_us(p_anchor_device_us, p_session_start_us, p_mean_offset_us::bigint,
                                         p_received_us, p_skew_us)
             + datalinker.wrap_us(p_device_us - p_anchor_device_us)
        ELSE round((datalinker.device_to_utc_us(
                        p_anchor_device_us, p_session_start_us,
                        datalinker.offset_at_us(p_mean_offset_us, p_mean_at_us, p_slope,
                                                coalesce(p_received_us, p_session_start_us)),
                        p_received_us, p_skew_us)
                    + datalinker.offset_at_us(p_mean_offset_us, p_mean_at_us, p_slope,
                                              coalesce(p_received_us, p_session_start_us))
                    + datalinker.wrap_us(p_device_us - p_anchor_device_us)
                    - p_mean_offset_us + p_slope * p_mean_at_us) / (1 + p_slope))::bigint
    END
$$;

COMMENT ON FUNCTION datalinker.device_to_utc_model_us(bigint, bigint, bigint, bigint, bigint, numeric, numeric, numeric) IS $doc$DESIGN §2 with a drifting clock (see clock_pieces); exact up to the rounding of the final µs.$doc$;
