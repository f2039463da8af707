-- datalinker.is_iso_time_with_zone: true when the text is an ISO 8601 date and time with an explicit zone (Z or ±hh[:mm]), so that reading it never depends on the caller's TimeZone or DateStyle.
CREATE OR REPLACE FUNCTION datalinker.is_iso_time_with_zone(p_text text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_text ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$'
$$;

COMMENT ON FUNCTION datalinker.is_iso_time_with_zone(text) IS $doc$An ISO 8601 time with an explicit zone (sync measurements' "at").

Example: `SELECT datalinker.is_iso_time_with_zone('2026-03-02T09:00:00Z');`$doc$;
