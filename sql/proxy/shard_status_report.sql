-- datalinker_proxy.shard_status_report: status_report() of every shard.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_status_report()
RETURNS TABLE (section text, name text, count bigint, detail text, age_s bigint)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON ALL;
    SELECT * FROM datalinker.status_report();
$$;
