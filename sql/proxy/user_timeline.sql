-- datalinker.user_timeline: on the proxy, the user's timeline, from the user's shard.
CREATE OR REPLACE FUNCTION datalinker.user_timeline(p_user_id text, p_from timestamptz DEFAULT NULL,
                                                    p_to timestamptz DEFAULT NULL)
RETURNS TABLE (kind text, item_id text, category text, state text, start_time timestamptz, end_time timestamptz)
LANGUAGE plproxy
AS $$
    CLUSTER 'datalinker';
    RUN ON datalinker_proxy.user_hash(p_user_id);
$$;
