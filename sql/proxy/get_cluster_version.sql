-- plproxy.get_cluster_version: PL/Proxy's cluster configuration API — the version of cluster 'datalinker' (bumped when a partition moves).
CREATE OR REPLACE FUNCTION plproxy.get_cluster_version(cluster_name text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF cluster_name = 'datalinker' THEN
        RETURN (SELECT v.version FROM datalinker_proxy.config_version v);
    END IF;
    RAISE EXCEPTION 'unknown cluster %', quote_literal(cluster_name) USING ERRCODE = 'invalid_parameter_value';
END;
$$;
