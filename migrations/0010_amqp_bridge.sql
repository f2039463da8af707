-- 0010 AMQP bridge (issue 23): the RabbitMQ bridge records every AMQP message it turned into a job (or refused) in
-- the transaction that enqueued it, so a message redelivered after a crash between that commit and the ack makes
-- no second job; its role datalinker_bridge may do that and carry announcements out, nothing else. Append-only.
CREATE TABLE datalinker.amqp_inbox (
    message_id  text PRIMARY KEY,                    -- AMQP message_id, or 'md5:' || md5(body) when none was set
    received_at timestamptz NOT NULL DEFAULT now(),
    msg_id      bigint,                              -- the data_linker_queue job it became (NULL: refused)
    refused     text                                 -- why it was refused (dead-lettered on AMQP with this reason)
);
CREATE INDEX amqp_inbox_received_idx ON datalinker.amqp_inbox (received_at);
ALTER TABLE datalinker.amqp_inbox OWNER TO datalinker_owner;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'datalinker_bridge') THEN
        CREATE ROLE datalinker_bridge NOLOGIN;
    END IF;
END
$$;
