-- datalinker.doctor: on the proxy, doctor over the shards — a check warns when it warns on any shard; counts added (settings: the largest value).
CREATE OR REPLACE FUNCTION datalinker.doctor(...)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.check_name, max(d.status), CASE WHEN d.check_name LIKE 'setting %' THEN max(d.count) ELSE sum(d.count) END::bigint,
           min(d.detail)
    FROM datalinker_proxy.shard_doctor(p_unlinked_hours, p_max_queue_age_seconds, p_max_dead_tuples) d
    GROUP BY d.check_name
    ORDER BY d.check_name
$$;
