-- datalinker.partition_of: the partition of a user, hashtext(user_id) & mask (partitions − 1, a power of two minus one) — PL/Proxy's own rule on the hash user_hash returns; the one definition the shards, the proxy and datalinker.cluster use.
CREATE OR REPLACE FUNCTION datalinker.partition_of(p_user_id text, p_mask integer)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.hashtext(p_user_id) & p_mask
$$;

COMMENT ON FUNCTION datalinker.partition_of(text, integer) IS $doc$Hashtext(p_user_id) & p_mask, the partition of a user among p_mask + 1 partitions (applied on shards and on the proxy alike).

Example: `SELECT datalinker.partition_of('user-001', 7);`$doc$;
