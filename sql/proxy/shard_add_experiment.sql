-- datalinker_proxy.shard_add_experiment: PL/Proxy call of datalinker.add_experiment on every shard.
CREATE OR REPLACE FUNCTION datalinker_proxy.shard_add_experiment(... of datalinker.add_experiment)
RETURNS SETOF boolean
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON ALL;
    SELECT datalinker.add_experiment(p_experiment_id, p_name, p_description);
$$;
