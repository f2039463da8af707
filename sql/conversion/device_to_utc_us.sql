-- datalinker.device_to_utc_us: DESIGN §2 in integer µs — the latest time ≡ device − offset (mod 2^32) not after receipt + skew; session start + elapsed when receipt is unknown.
-- This is the set-based core: plain SQL, inlined by the planner into the linker's UPDATE.
CREATE OR REPLACE FUNCTION datalinker.device_to_utc_us(
    p_device_us bigint,
    p_session_start_us bigint,
    p_offset_us bigint,
    p_received_us bigint,
    p_skew_us bigint
)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- start = S + k0 + n·P with k0 = (d − (S + off)) mod P and n = floor((R + SKEW − S − k0) / P).
    -- Since S + k0 ≡ d − off (mod P), that is the largest t ≡ d − off with t ≤ R + SKEW.
    SELECT CASE
        WHEN p_received_us IS NULL
            THEN p_session_start_us + datalinker.wrap_us(p_device_us - p_offset_us - p_session_start_us)
        ELSE (p_received_us + p_skew_us)
             - datalinker.wrap_us(p_received_us + p_skew_us - p_device_us + p_offset_us)
    END
$$;

COMMENT ON FUNCTION datalinker.device_to_utc_us(bigint, bigint, bigint, bigint, bigint) IS $doc$The exact integer form of DESIGN §2 (all arguments µs; p_received_us NULL = n 0).

Example: `SELECT datalinker.device_to_utc_us(1738693118, datalinker.epoch_us('2026-03-02 09:00+00'), -1712345678901250, datalinker.epoch_us('2026-03-02 09:10:03+00'), datalinker.skew_us());`$doc$;
