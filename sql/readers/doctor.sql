-- datalinker.doctor: health checks for operators — old unlinked chunks, unplaced chunks by reason, sessions stuck in processing, failed sessions, dead letters, queue age, dead tuples in the queue tables.
CREATE OR REPLACE FUNCTION datalinker.doctor(p_unlinked_hours integer DEFAULT 24, p_max_queue_age_seconds integer DEFAULT 600,
                                             p_max_dead_tuples integer DEFAULT 100000)
RETURNS TABLE (check_name text, status text, count bigint, detail text)
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH unlinked AS (
        SELECT count(*) AS n, min(r.created_at) AS oldest
        FROM public.raw_data_objects r
        WHERE r.session_id IS NULL AND r.linked_by IS NULL  -- decided between sessions is not a problem
          AND r.created_at < now() - p_unlinked_hours * interval '1 hour'
    ),
    stuck AS (  -- processing, but no job for it in flight: its worker died and the job is gone
        SELECT count(*) AS n, string_agg(s.session_id, ', ' ORDER BY s.session_id) AS ids
        FROM public.sessions s
        WHERE s.link_status = 'processing'
          AND NOT EXISTS (SELECT 1 FROM pgmq.q_data_linker_queue q WHERE q.message ->> 'session_id' = s.session_id)
    ),
    stale AS (  -- running longer than max_session_us: they claim nothing beyond it, but someone forgot to end them
        SELECT count(*) AS n, string_agg(s.session_id, ', ' ORDER BY s.start_time) AS ids
        FROM public.sessions s
        WHERE s.end_time IS NULL
          AND s.start_time < now() - (SELECT x.value FROM datalinker.settings x WHERE x.name = 'max_session_us') * interval '1 microsecond'
    ),
    failed AS (
        SELECT count(*) AS n, min(s.link_error) AS example FROM public.sessions s WHERE s.link_status = 'failed'
    ),
    dead AS (
        SELECT count(*) AS n, min(d.enqueued_at) AS oldest FROM pgmq.q_data_linker_dead_letter d
    ),
    queue AS (
        SELECT count(*) AS n, extract(epoch FROM now() - min(q.enqueued_at))::bigint AS age_s
        FROM pgmq.q_data_linker_queue q
    ),
    bloat AS (  -- high-churn queue tables: dead tuples that autovacuum has not caught up with
        SELECT t.relname::text AS relname, t.n_dead_tup AS n, t.n_live_tup AS live, t.last_autovacuum, t.last_vacuum
        FROM pg_catalog.pg_stat_all_tables t
        WHERE t.schemaname = 'pgmq'
          AND t.relname IN ('q_data_linker_queue', 'q_event_correction_queue', 'q_data_linker_dead_letter')
    )
    SELECT 'unlinked chunks older than ' || p_unlinked_hours || ' h', CASE WHEN n = 0 THEN 'ok' ELSE 'warn' END, n,
           CASE WHEN n > 0 THEN 'oldest received ' || oldest::text END FROM unlinked
    UNION ALL
    SELECT 'sessions stuck in processing', CASE WHEN n = 0 THEN 'ok' ELSE 'warn' END, n, left(ids, 200) FROM stuck
    UNION ALL
    SELECT 'sessions running longer than max_session_us', CASE WHEN n = 0 THEN 'ok' ELSE 'warn' END, n,
           CASE WHEN n > 0 THEN 'never ended: ' || left(ids, 200) || '; end them with the right end time' END FROM stale
    UNION ALL
    SELECT 'failed sessions', CASE WHEN n = 0 THEN 'ok' ELSE 'warn' END, n, left(example, 200) FROM failed
    UNION ALL
    SELECT 'dead letters', CASE WHEN n = 0 THEN 'ok' ELSE 'warn' END, n,
           CASE WHEN n > 0 THEN 'oldest ' || oldest::text || '; fix, then datalinker requeue-dead' END FROM dead
    UNION ALL
    -- Unlinked device-time chunks by reason (unplaced_chunks): ambiguous and clockless ones need an operator;
    -- placeable ones mean the worker is behind or not running.
    SELECT 'chunks ' || p.reason, CASE WHEN p.reason IN ('ambiguous', 'no_clock', 'placeable') THEN 'warn' ELSE 'ok' END,
           p.chunks, p.users || ' user(s); oldest received ' || p.oldest_received::text
    FROM datalinker.placement_summary() p
    UNION ALL
    -- The tunables in force (datalinker.settings; changed with set_setting by datalinker_admin).
    SELECT 'setting ' || x.name, 'ok', x.value, x.unit || ': ' || x.description FROM datalinker.settings x
    UNION ALL
    SELECT 'data_linker_queue age', CASE WHEN coalesce(age_s, 0) <= p_max_queue_age_seconds THEN 'ok' ELSE 'warn' END,
           n, CASE WHEN n > 0 THEN 'oldest message ' || age_s || ' s old' END FROM queue
    UNION ALL
    SELECT 'dead tuples in pgmq.' || b.relname, CASE WHEN b.n <= p_max_dead_tuples THEN 'ok' ELSE 'warn' END, b.n,
           b.live || ' live; last vacuum ' || coalesce(greatest(b.last_autovacuum, b.last_vacuum)::text, 'never')
           || CASE WHEN b.n > p_max_dead_tuples THEN '; check autovacuum (a long transaction holds it back?) or VACUUM it'
                   ELSE '' END
    FROM bloat b
$$;

COMMENT ON FUNCTION datalinker.doctor(integer, integer, integer) IS $doc$Health checks, `ok` or `warn` each: unlinked chunks received more than `p_unlinked_hours` ago (not counting chunks decided outside every session); sessions `processing` with no job in flight (their worker died and the job is gone); `failed` sessions (with an example `link_error`); dead letters; the age of the oldest queued job (warn above `p_max_queue_age_seconds`); one row per queue table with dead tuples (warn above `p_max_dead_tuples`), live tuples and last vacuum; the settings in force. CLI: `datalinker doctor` (exit 1 when anything warns).

Example: `SELECT * FROM datalinker.doctor();`$doc$;
