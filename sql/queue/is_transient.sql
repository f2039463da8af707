-- datalinker.is_transient: whether an error with this SQLSTATE is worth retrying later (the one definition, used by link_session and the worker).
-- Classes 40 (serialization, deadlock), 53 (resources), 57 (cancel, shutdown), 08 (connection), and
-- 55P03 (lock not available: lock_timeout or NOWAIT — someone else holds the row, try again later).
CREATE OR REPLACE FUNCTION datalinker.is_transient(p_sqlstate text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT left(p_sqlstate, 2) IN ('40', '53', '57', '08') OR p_sqlstate = '55P03'
$$;

COMMENT ON FUNCTION datalinker.is_transient(text) IS $doc$Whether an error with this SQLSTATE is worth retrying later (the one definition, used by `link_session`, `place_job` and the worker): classes 40 (serialization, deadlock), 53 (resources), 57 (cancel, shutdown), 08 (connection) and `55P03` (lock not available: `lock_timeout`, NOWAIT, a partition moving on a proxy). Such errors are retried, never recorded as a failed session.

Example: `SELECT datalinker.is_transient('55P03');`$doc$;
