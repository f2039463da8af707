-- datalinker.grants: who may call what; re-applied after every migrate so new functions start locked down.
-- Functions that write run as their owner (SECURITY DEFINER, search_path pinned to pg_catalog, pg_temp); callers get
-- EXECUTE on those entry points only and no privileges on the tables or the pgmq queues.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA datalinker FROM PUBLIC;
REVOKE ALL ON SCHEMA datalinker FROM PUBLIC;
GRANT USAGE ON SCHEMA datalinker TO datalinker_worker, datalinker_readonly, datalinker_session_manager;

-- Pure computations: anybody with a role here may use them.
GRANT EXECUTE ON FUNCTION
    datalinker.device_to_utc(bigint, timestamptz, double precision, timestamptz),
    datalinker.device_to_utc_us(bigint, bigint, bigint, bigint, bigint),
    datalinker.wrap_us(bigint), datalinker.epoch_us(timestamptz), datalinker.from_epoch_us(bigint),
    datalinker.clock_offset_us(jsonb), datalinker.skew_us(), datalinker.payload_problem(jsonb),
    datalinker.is_transient(text), datalinker.error_codes()
TO datalinker_worker, datalinker_readonly, datalinker_session_manager;

GRANT EXECUTE ON FUNCTION
    datalinker.claim_job(integer, integer), datalinker.process_job(bigint, integer),
    datalinker.retry_job(bigint, integer), datalinker.link_session(text)
TO datalinker_worker;

GRANT EXECUTE ON FUNCTION datalinker.end_session(text, timestamptz) TO datalinker_session_manager;

-- Ingest API (what a PL/Proxy proxy calls; also usable on one database): sessions and experiments by the
-- Session Manager, uploads by the Processor.
GRANT EXECUTE ON FUNCTION datalinker.add_session(text, text, timestamptz, text, jsonb, uuid, text),
    datalinker.add_experiment(uuid, text, text)
TO datalinker_session_manager;
GRANT USAGE ON SCHEMA datalinker TO datalinker_ingest;
GRANT EXECUTE ON FUNCTION
    datalinker.add_chunks(text[], text[], text[], timestamptz[], timestamptz[], bigint[], bigint[], text[], timestamptz[]),
    datalinker.add_media(text, text[], text[], text[], timestamptz[], integer[])
TO datalinker_ingest;

GRANT USAGE ON SCHEMA public TO datalinker_readonly, datalinker_worker;
-- The tunables may be read by every role (doctor shows them); only the owner changes them.
REVOKE ALL ON datalinker.settings FROM PUBLIC;
GRANT SELECT ON datalinker.settings TO datalinker_worker, datalinker_readonly, datalinker_session_manager;
GRANT SELECT ON public.experiments, public.sessions, public.raw_data_objects, public.images, public.audio_clips
TO datalinker_readonly;

-- Readers' queries and the health check.
GRANT EXECUTE ON FUNCTION datalinker.calibration_sessions(text, uuid), datalinker.session_objects(text),
    datalinker.doctor(integer, integer, integer), datalinker.unplaced_chunks(text), datalinker.placement_summary(),
    datalinker.status_report(), datalinker.clock_report(text),
    datalinker.user_timeline(text, timestamptz, timestamptz), datalinker.session_status(text)
TO datalinker_readonly;

-- Tunables: changed only through set_setting, by the admin role.
GRANT USAGE ON SCHEMA datalinker TO datalinker_admin;
GRANT EXECUTE ON FUNCTION datalinker.set_setting(text, bigint) TO datalinker_admin;
-- Queue archive retention (datalinker purge-archive).
GRANT EXECUTE ON FUNCTION datalinker.purge_archive(interval) TO datalinker_admin;
-- doctor --verify: rebuilds derived data in a rolled-back subtransaction (heavy: an operator's call).
GRANT EXECUTE ON FUNCTION datalinker.verify_derived(text) TO datalinker_admin;

-- status and doctor for every project role (the worker's host is where operators look first).
GRANT EXECUTE ON FUNCTION datalinker.status_report(), datalinker.doctor(integer, integer, integer),
    datalinker.placement_summary(), datalinker.unplaced_chunks(text), datalinker.clock_report(text),
    datalinker.session_status(text)
TO datalinker_worker;

-- The AMQP bridge (datalinker amqp-bridge): jobs in from RabbitMQ (deduplicated), announcements out, nothing else.
GRANT USAGE ON SCHEMA datalinker TO datalinker_bridge;
GRANT EXECUTE ON FUNCTION datalinker.accept_amqp_job(text, text), datalinker.claim_events(integer, integer),
    datalinker.ack_event(bigint), datalinker.purge_amqp_inbox(interval), datalinker.events_waiting(),
    datalinker.status_report()
TO datalinker_bridge;
