-- datalinker_proxy.grants: the same roles as on the shards may call the same entry points on the proxy; the
-- remote call then runs on the shard as the caller (PL/Proxy forwards current_user) under the shard's grants.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA datalinker, datalinker_proxy FROM PUBLIC;
GRANT USAGE ON SCHEMA datalinker, datalinker_proxy
TO datalinker_worker, datalinker_readonly, datalinker_session_manager, datalinker_ingest, datalinker_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA datalinker_proxy
TO datalinker_worker, datalinker_readonly, datalinker_session_manager, datalinker_ingest, datalinker_admin;
GRANT SELECT ON datalinker_proxy.session_directory, datalinker_proxy.partitions, datalinker_proxy.config_version
TO datalinker_worker, datalinker_readonly, datalinker_session_manager, datalinker_ingest, datalinker_admin;
GRANT INSERT ON datalinker_proxy.session_directory TO datalinker_session_manager;
GRANT EXECUTE ON FUNCTION datalinker.add_session(text, text, timestamptz, text, jsonb, uuid, text),
    datalinker.add_experiment(uuid, text, text), datalinker.end_session(text, timestamptz)
TO datalinker_session_manager;
GRANT EXECUTE ON FUNCTION
    datalinker.add_chunks(text[], text[], text[], timestamptz[], timestamptz[], bigint[], bigint[], text[], timestamptz[]),
    datalinker.add_media(text, text[], text[], text[], timestamptz[], integer[])
TO datalinker_ingest;
GRANT EXECUTE ON FUNCTION datalinker.link_session(text) TO datalinker_worker;
GRANT EXECUTE ON FUNCTION datalinker.status_report(), datalinker.doctor(integer, integer, integer),
    datalinker.unplaced_chunks(text), datalinker.clock_report(text),
    datalinker.user_timeline(text, timestamptz, timestamptz), datalinker.session_status(text)
TO datalinker_readonly, datalinker_worker;
