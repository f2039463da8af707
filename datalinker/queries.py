"""Every SQL statement the Python side runs: named constants calling schema-qualified functions."""

LINK_SESSION = """
SELECT session_id, link_status, objects_converted, objects_linked, media_linked, objects_ambiguous
FROM datalinker.link_session(p_session_id => %(session_id)s)
"""

CLAIM_JOB = """
SELECT msg_id, read_ct, session_id, user_id FROM datalinker.claim_job(p_vt_seconds => %(vt_seconds)s, p_qty => %(qty)s)
"""

# One statement, so one transaction in autocommit: link, delete the message, notify downstream — or dead-letter.
PROCESS_JOB = """
SELECT msg_id, session_id, user_id, outcome, reason, link_status, objects_converted, objects_linked, media_linked
FROM datalinker.process_job(p_msg_id => %(msg_id)s, p_max_attempts => %(max_attempts)s)
"""

# After a transient failure: make the message visible again after a short backoff, not the full vt.
RETRY_JOB = "SELECT datalinker.retry_job(p_msg_id => %(msg_id)s, p_delay_seconds => %(delay_seconds)s)"

# The one definition of "retry later" (also used by link_session): decides the worker's log level.
IS_TRANSIENT = "SELECT datalinker.is_transient(p_sqlstate => %(sqlstate)s) AS is_transient"

# Every lock wait of the worker is bounded; 55P03 is transient (datalinker.is_transient): the job is retried later.
SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', %(ms)s, false)"

LISTEN = ('LISTEN "pgmq.q_data_linker_queue.INSERT"',)  # session and placement jobs alike

# Expired chunks (waited past the upload window) back into the pending set, their users' placement queued.
UNEXPIRE = "SELECT datalinker.unexpire(p_user_id => %(user_id)s) AS chunks"

RELINK_SESSION = """
SELECT session_id, link_status, objects_converted, objects_linked, media_linked, objects_ambiguous
FROM datalinker.relink_session(p_session_id => %(session_id)s)
"""

AMEND_SESSION = """
SELECT session_id, link_status, objects_converted, objects_linked, media_linked, objects_ambiguous
FROM datalinker.amend_session(p_session_id => %(session_id)s, p_end_time => %(end_time)s,
                              p_clock_offset_info => %(clock_offset_info)s::jsonb)
"""

UNPLACED_CHUNKS = """
SELECT object_id, user_id, data_type, received_at, reason, candidate_sessions
FROM datalinker.unplaced_chunks(p_user_id => %(user_id)s)
ORDER BY user_id, received_at, object_id
"""

END_SESSION = "SELECT datalinker.end_session(p_session_id => %(session_id)s, p_end_time => %(end_time)s)"

ENQUEUE_LINK = "SELECT datalinker.enqueue_link(p_session_id => %(session_id)s)"

REQUEUE_DEAD = "SELECT datalinker.requeue_dead(p_limit => %(limit)s)"

STATUS_REPORT = "SELECT section, name, count, detail, age_s FROM datalinker.status_report()"

SESSION_STATUS = """
SELECT session_id, user_id, start_time, end_time, link_status, link_error, objects_linked
FROM datalinker.session_status(p_session_id => %(session_id)s)
"""

CLOCK_REPORT = """
SELECT piece, valid_from, valid_to, offset_at, offset_ms, drift_ppm, points, rejected, scatter_us, uncertainty_us, problem
FROM datalinker.clock_report(p_session_id => %(session_id)s)
"""

DOCTOR = """
SELECT check_name, status, count, detail
FROM datalinker.doctor(p_unlinked_hours => %(hours)s, p_max_queue_age_seconds => %(max_queue_age)s,
                       p_max_dead_tuples => %(max_dead_tuples)s)
"""

# doctor --verify: stored derived data against a rebuild from the raw rows (no rows: all agree).
VERIFY_DERIVED = "SELECT kind, item, stored, rebuilt FROM datalinker.verify_derived(%(user_id)s)"

# The version stamped on schema datalinker by the last migrate (sqlsource.version()); NULL when not migrated.
SCHEMA_VERSION = """
SELECT substring(pg_catalog.obj_description(pg_catalog.to_regnamespace('datalinker'), 'pg_namespace')
                 FROM '^datalinker (\\S+)$') AS version
"""

PURGE_ARCHIVE = "SELECT queue_name, purged FROM datalinker.purge_archive(p_older_than => %(older_than)s)"

USER_TIMELINE = """
SELECT kind, item_id, category, state, start_time, end_time
FROM datalinker.user_timeline(p_user_id => %(user_id)s, p_from => %(from)s, p_to => %(to)s)
"""

# The AMQP bridge (datalinker/amqp.py).
ACCEPT_AMQP_JOB = "SELECT outcome, msg_id, reason FROM datalinker.accept_amqp_job(p_message_id => %(message_id)s, p_body => %(body)s)"
CLAIM_EVENTS = "SELECT msg_id, read_ct, enqueued_at, message FROM datalinker.claim_events(p_vt => %(vt)s, p_qty => %(qty)s)"
ACK_EVENT = "SELECT datalinker.ack_event(p_msg_id => %(msg_id)s)"
EVENTS_WAITING = "SELECT datalinker.events_waiting()"
PURGE_AMQP_INBOX = "SELECT datalinker.purge_amqp_inbox(p_older_than => %(older_than)s::interval)"
