-- datalinker.status_report: on the proxy, status_report summed over the shards (counts added, the oldest age over all shards; detail: the first shard's).
CREATE OR REPLACE FUNCTION datalinker.status_report(...)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.section, r.name, sum(r.count)::bigint, min(r.detail), max(r.age_s)
    FROM datalinker_proxy.shard_status_report() r
    GROUP BY r.section, r.name
    ORDER BY CASE r.section WHEN 'sessions' THEN 1 WHEN 'queues' THEN 2 WHEN 'placement requests' THEN 3 ELSE 4 END,
             r.name
$$;
