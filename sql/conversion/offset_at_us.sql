-- datalinker.offset_at_us: the clock line's offset (µs, device − UTC) at time p_at_us, rounded to the µs (inlined).
CREATE OR REPLACE FUNCTION datalinker.offset_at_us(p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric,
                                                   p_at_us bigint)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT round(p_mean_offset_us + p_slope * (p_at_us - p_mean_at_us))::bigint
$$;

COMMENT ON FUNCTION datalinker.offset_at_us(numeric, numeric, numeric, bigint) IS $doc$Offset of a clock_pieces line at a time, in µs.$doc$;
