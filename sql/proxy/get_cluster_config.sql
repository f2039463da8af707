-- plproxy.get_cluster_config: PL/Proxy's cluster configuration API — connection settings for cluster 'datalinker'.
CREATE OR REPLACE FUNCTION plproxy.get_cluster_config(IN cluster_name text, OUT key text, OUT val text)
RETURNS SETOF record
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM (VALUES ('connection_lifetime', '1800')) c(key, val)
    WHERE cluster_name = 'datalinker'
$$;
