-- datalinker.pending_device_chunks: a user's unlinked device-time chunks whose receipt time lets DESIGN §2 place them in [p_from, p_to).
-- A converted start always lies in (received + skew − 2^32, received + skew], so only chunks received
-- in (p_from − skew − 2^32, p_to + 2^32) can overlap the range: an index range scan, never the whole user.
CREATE OR REPLACE FUNCTION datalinker.pending_device_chunks(p_user_id text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF public.raw_data_objects
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT r.*
    FROM public.raw_data_objects r
    WHERE r.user_id = p_user_id
      AND r.session_id IS NULL
      AND r.start_time IS NULL
      AND r.expired_at IS NULL
      AND r.created_at > p_from - interval '4294967296 microseconds'
                                - datalinker.skew_us() * interval '1 microsecond'
      AND r.created_at < p_to + interval '4294967296 microseconds'
$$;

COMMENT ON FUNCTION datalinker.pending_device_chunks(text, timestamptz, timestamptz) IS $doc$Unlinked legacy (device-time) chunks of the user that could convert into [p_from, p_to), by receipt-time window.$doc$;
