-- datalinker.user_timeline: on the proxy, the user's timeline, from the user's shard.
CREATE OR REPLACE FUNCTION datalinker.user_timeline(...)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.user_hash(p_user_id);
$$;
