-- datalinker_proxy.user_hash: the routing hash of a user (hashtext); holds the partition's shared advisory lock for the caller's transaction and refuses (55P03, retry) while the partition is frozen for a move.
CREATE OR REPLACE FUNCTION datalinker_proxy.user_hash(p_user_id text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hash integer := hashtext(p_user_id);
    v_partition integer := datalinker.partition_of(p_user_id, (SELECT count(*) FROM datalinker_proxy.partitions)::integer - 1);
BEGIN
    -- A move takes this lock exclusively before it freezes the partition: calls already routed finish first.
    PERFORM pg_advisory_xact_lock_shared(hashtext('datalinker.partition'), v_partition);
    IF (SELECT p.frozen FROM datalinker_proxy.partitions p WHERE p.partition = v_partition) THEN
        RAISE EXCEPTION 'DL010: partition % (user %) is moving to another shard; retry shortly', v_partition,
            quote_literal(p_user_id) USING ERRCODE = 'lock_not_available';
    END IF;
    RETURN v_hash;
END;
$$;
