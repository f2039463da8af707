-- datalinker.session_chunks: the chunks session p_session_id owns right now, with their UTC times (set-based; reads only, links nothing).
-- Owner rule (DESIGN §3): among the user's sessions a chunk overlaps (each converting it with its own
-- clock, see clock_model), the one containing the chunk's start wins, then the earliest start, then the
-- smallest id. Running sessions (end_time NULL) count as open-ended. The answer does not depend on link order.
CREATE OR REPLACE FUNCTION datalinker.session_chunks(p_session_id text)
RETURNS TABLE (object_id varchar, start_time timestamptz, end_time timestamptz, converted boolean)
LANGUAGE plpgsql STABLE
-- A session owns a sliver of the table: tell the planner so, and link_chunks joins by primary key
-- (with the default estimate of 1000 it hash-joined the whole unlinked backlog).
ROWS 50
-- A per-session query of milliseconds: JIT compilation (~1 s) never pays off here.
SET jit = off
SET search_path = ''
AS $$
BEGIN
RETURN QUERY
WITH target AS (
    SELECT s.session_id, s.user_id, s.start_time, s.end_time,
           datalinker.epoch_us(s.start_time) AS start_us,
           datalinker.epoch_us(s.end_time) AS end_us,
           m.mean_offset_us, m.mean_at_us, m.slope,
           datalinker.skew_us() AS skew_us
    FROM public.sessions s
    LEFT JOIN LATERAL datalinker.clock_model(s.clock_offset_info, false) m ON true
    WHERE s.session_id = p_session_id AND s.end_time IS NOT NULL
),
-- Other sessions of the user that can overlap a chunk that overlaps the target: conversions under two
-- clocks differ by less than 2^32 µs, so two counter periods either side is enough.
rivals AS MATERIALIZED (
    SELECT o.session_id,
           datalinker.epoch_us(o.start_time) AS start_us,
           coalesce(datalinker.epoch_us(o.end_time), 9223372036854775807) AS end_us,
           m.mean_offset_us, m.mean_at_us, m.slope
    FROM target t
    JOIN public.sessions o
      ON o.user_id = t.user_id
     AND o.session_id <> t.session_id
     AND o.start_time < t.end_time + interval '8589934592 microseconds'
     AND (o.end_time IS NULL OR o.end_time > t.start_time - interval '8589934592 microseconds')
    LEFT JOIN LATERAL datalinker.clock_model(o.clock_offset_info, false) m ON true
),
-- Candidates converted with the target's clock and overlapping the target's [start, end).
mine AS (
    SELECT d.object_id, true AS converted, d.start_time_device AS start_device_us,
           d.end_time_device AS end_device_us, datalinker.epoch_us(d.created_at) AS received_us,
           datalinker.device_to_utc_model_us(d.start_time_device, d.start_time_device, t.start_us,
               datalinker.epoch_us(d.created_at), t.skew_us, t.mean_offset_us, t.mean_at_us, t.slope) AS start_us,
           datalinker.device_to_utc_model_us(d.end_time_device, d.start_time_device, t.start_us,
               datalinker.epoch_us(d.created_at), t.skew_us, t.mean_offset_us, t.mean_at_us, t.slope) AS end_us
    FROM target t
    CROSS JOIN LATERAL datalinker.pending_device_chunks(t.user_id, t.start_time, t.end_time) d
    WHERE t.mean_offset_us IS NOT NULL
    UNION ALL
    SELECT r.object_id, false, NULL, NULL, NULL, datalinker.epoch_us(r.start_time), datalinker.epoch_us(r.end_time)
    FROM target t
    JOIN public.raw_data_objects r
      ON r.user_id = t.user_id
     AND r.session_id IS NULL
     AND r.start_time IS NOT NULL
     AND tstzrange(r.start_time, r.end_time) && tstzrange(t.start_time, t.end_time)
)
SELECT m.object_id, datalinker.from_epoch_us(m.start_us), datalinker.from_epoch_us(m.end_us), m.converted
FROM mine m
CROSS JOIN target t
WHERE m.start_us < t.end_us
  AND m.end_us > t.start_us
  AND NOT EXISTS (
      SELECT 1
      FROM rivals o
      CROSS JOIN LATERAL (
          SELECT CASE WHEN m.converted
                      THEN datalinker.device_to_utc_model_us(m.start_device_us, m.start_device_us, o.start_us,
                               m.received_us, t.skew_us, o.mean_offset_us, o.mean_at_us, o.slope)
                      ELSE m.start_us END AS start_us,
                 CASE WHEN m.converted
                      THEN datalinker.device_to_utc_model_us(m.end_device_us, m.start_device_us, o.start_us,
                               m.received_us, t.skew_us, o.mean_offset_us, o.mean_at_us, o.slope)
                      ELSE m.end_us END AS end_us
      ) x
      WHERE x.start_us < o.end_us
        AND x.end_us > o.start_us
        AND (x.start_us < o.start_us, o.start_us, o.session_id)
            < (m.start_us < t.start_us, t.start_us, t.session_id::varchar)
  );
END;
$$;

COMMENT ON FUNCTION datalinker.session_chunks(text) IS
    'session_chunks(p_session_id text) -> TABLE(object_id, start_time, end_time, converted): unlinked chunks that belong to the ended session, with UTC times (converted = computed from device ticks). Read-only; zero rows for an unknown or running session.';
