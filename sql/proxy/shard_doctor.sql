-- datalinker_proxy.shard_doctor: doctor() of every shard.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_doctor(... of datalinker.doctor)
RETURNS TABLE (check_name text, status text, count bigint, detail text)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON ALL;
    SELECT * FROM datalinker.doctor(p_unlinked_hours, p_max_queue_age_seconds, p_max_dead_tuples);
$$;
