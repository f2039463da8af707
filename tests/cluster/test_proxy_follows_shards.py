"""The proxy follows the shard API (issue 22, item 2): every function the proxy serves under `datalinker` exists on
the shards with the same arguments and result, and every user- or session-keyed shard function is proxied or
listed here as deliberately not."""

from __future__ import annotations

import psycopg

from tests.cluster.conftest import ProxyCluster

SIGNATURES = """
SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
       (SELECT l.lanname FROM pg_language l WHERE l.oid = p.prolang)
FROM pg_proc p WHERE p.pronamespace = 'datalinker'::regnamespace
"""

# Keyed by a user or a session, but not routed by the proxy, and why.
NOT_PROXIED = {
    "session_for_update": "a step inside the shard's own transactions",
    "run_link": "the body of link_session/relink_session on the shard",
    "require_clock_offset": "a step of run_link",
    "session_chunks": "a step of run_link",
    "link_chunks": "a step of run_link",
    "link_media": "a step of run_link",
    "place_user": "placement runs on the shard, from its own worker",
    "place_job": "the work of a placement job of the shard's own queue",
    "announce": "a step of process_job, into the shard's own event_correction_queue",
    "unexpire": "an operator's command on the shard that holds the user (datalinker unexpire there)",
    "chunk_placements": "read by place_user and unplaced_chunks on the shard",
    "pending_device_chunks": "a step of require_clock_offset",
    "session_objects": "SETOF a shard table: query the shard (docs/scaling.md)",
    "calibration_sessions": "SETOF a shard table: query the shard (docs/scaling.md)",
    "enqueue_link": "an operator's command on the shard that holds the session",
    "session_reach": "a step of placement on the shard",
    "time_is_free": "a step of chunk_placements on the shard",
    "chunk_islands": "a step of chunk_segments on the shard",
    "chunk_segments": "a step of chunk_placements on the shard",
    "segment_anchor": "a step of chunk_placements on the shard",
    "nearby_clocks": "a step of chunk_placements on the shard",
    "segment_decision": "a step of chunk_placements on the shard",
    "store_session_clock": "the shard's stored clocks, kept by its own triggers and migrate",
    "placement_state": "a step of verify_derived on the shard",
    "verify_derived": "an operator's check on each shard (datalinker doctor --verify there)",
}


def signatures(conn: psycopg.Connection) -> dict[str, tuple[str, str, str]]:
    return {name: (args, result, language) for name, args, result, language in conn.execute(SIGNATURES).fetchall()}


def test_every_proxied_function_has_the_shards_signature_and_every_keyed_one_is_proxied(three_shards: ProxyCluster) -> None:
    proxy, shard = signatures(three_shards.proxy), signatures(three_shards.shards[0])
    proxied = proxy  # PL/Proxy functions and the PL/pgSQL ones that split or sum over shards alike
    assert sum(sig[2] == "plproxy" for sig in proxied.values()) >= 5 and len(proxied) >= 14
    drift = {name: (sig[:2], shard.get(name, ("missing on the shard",))[:2])
             for name, sig in proxied.items() if shard.get(name, ())[:2] != sig[:2]}
    assert drift == {}, "proxy and shard signatures differ: (proxy, shard)"
    keyed = {name for name, (args, _, _) in shard.items() if args.startswith(("p_user_id text", "p_session_id text"))}
    unrouted = keyed - set(proxy) - set(NOT_PROXIED)
    assert unrouted == set(), "user- or session-keyed shard functions the proxy neither serves nor lists as deliberate"
    assert set(NOT_PROXIED) <= set(shard), "the allow-list names functions that are gone"
