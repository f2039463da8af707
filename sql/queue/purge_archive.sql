-- datalinker.purge_archive: deletes archived messages older than p_older_than from our queues' pgmq archive tables; returns how many per queue.
CREATE OR REPLACE FUNCTION datalinker.purge_archive(p_older_than interval)
RETURNS TABLE (queue_name text, purged bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF p_older_than IS NULL OR p_older_than < interval '1 hour' THEN
        RAISE EXCEPTION 'p_older_than % must be at least 1 hour (archived messages are the audit trail)',
            coalesce(p_older_than::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Static statements, one per queue (no dynamic SQL in a SECURITY DEFINER function).
    RETURN QUERY
    WITH q1 AS (DELETE FROM pgmq.a_data_linker_queue a WHERE a.archived_at < now() - p_older_than RETURNING 1),
         q2 AS (DELETE FROM pgmq.a_event_correction_queue a WHERE a.archived_at < now() - p_older_than RETURNING 1),
         q3 AS (DELETE FROM pgmq.a_data_linker_dead_letter a WHERE a.archived_at < now() - p_older_than RETURNING 1)
    SELECT 'data_linker_queue'::text, (SELECT count(*) FROM q1)
    UNION ALL SELECT 'event_correction_queue', (SELECT count(*) FROM q2)
    UNION ALL SELECT 'data_linker_dead_letter', (SELECT count(*) FROM q3);
END;
$$;

COMMENT ON FUNCTION datalinker.purge_archive(interval) IS $doc$Deletes archived messages older than `p_older_than` (at least 1 hour) from `pgmq.a_data_linker_queue`, `pgmq.a_event_correction_queue` and `pgmq.a_data_linker_dead_letter`. CLI: `datalinker purge-archive`.

Example: `SELECT * FROM datalinker.purge_archive('30 days');`$doc$;
