-- plproxy.get_cluster_partitions: PL/Proxy's cluster configuration API — the shards' connect strings, one per partition in partition order (a power of 2; equal strings share a connection).
CREATE OR REPLACE FUNCTION plproxy.get_cluster_partitions(cluster_name text)
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF cluster_name <> 'datalinker' THEN
        RAISE EXCEPTION 'unknown cluster %', quote_literal(cluster_name) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY SELECT p.connstr FROM datalinker_proxy.partitions p ORDER BY p.partition;
END;
$$;
