-- datalinker.error_codes: every SQLSTATE the linker raises on purpose, with what it means (the one list; docs/sql-api.md is written from it).
CREATE OR REPLACE FUNCTION datalinker.error_codes()
RETURNS TABLE (sqlstate text, meaning text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES
        ('DL001', 'unknown session (message: unknown session ''<id>'', the id quoted with quote_literal)'),
        ('DL002', 'the session has not ended (end_time is NULL)'),
        ('DL003', 'device-time chunks to convert but no usable clock offset (recorded in link_error)'),
        ('DL004', 'end time NULL or not after the start time'),
        ('DL005', 'the session already ended at another time'),
        ('DL006', 'clock_offset_info unusable: the measurement and the reason are named (recorded in link_error)'),
        ('DL007', 'end time in the future beyond the skew'),
        ('DL008', 'the session would last longer than the setting max_session_us'),
        ('22003', 'a device tick outside [0, 2^32) (device_to_utc)'),
        ('22023', 'a bad argument, named with its value: an offset NaN or ±Infinity, an unknown setting or a value out of its bounds, a batch size out of range'),
        ('23505', 'message "DL009: …": the session id belongs to another user (add_session)'),
        ('55P03', 'lock not available; on a PL/Proxy proxy, message "DL010: …": the user''s partition is moving (transient: retry shortly)')
$$;

COMMENT ON FUNCTION datalinker.error_codes() IS $doc$The SQLSTATEs the linker raises on purpose and what each means; class `DL` is ours. Errors for which `is_transient` is true are retried, never recorded.

Example: `SELECT * FROM datalinker.error_codes();`$doc$;
