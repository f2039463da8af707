-- datalinker.add_experiment: on the proxy, creates the experiment with one id on every shard (a session on any shard may name it); true when new anywhere.
CREATE OR REPLACE FUNCTION datalinker.add_experiment(...)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(bool_or(x), false) FROM datalinker_proxy.shard_add_experiment(p_experiment_id, p_name, p_description) x
$$;
