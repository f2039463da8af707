-- proxy 0001: the PL/Proxy proxy database in front of N datalinker shards (docs/scaling.md).
-- Partition k (0 .. 2^n - 1) of hashtext(user_id) lives on the shard whose connect string
-- datalinker_proxy.partitions holds for k; PL/Proxy reads it through the cluster configuration API
-- (sql/proxy/get_cluster_*.sql) and reloads it when config_version grows. Append-only.
CREATE EXTENSION IF NOT EXISTS plproxy;
CREATE SCHEMA IF NOT EXISTS plproxy;
CREATE SCHEMA IF NOT EXISTS datalinker;
CREATE SCHEMA IF NOT EXISTS datalinker_proxy;

CREATE TABLE datalinker_proxy.partitions (
    partition integer PRIMARY KEY CHECK (partition >= 0),
    connstr   text NOT NULL CHECK (connstr <> '')
);
CREATE TABLE datalinker_proxy.config_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
);
INSERT INTO datalinker_proxy.config_version (version) VALUES (1);

-- Session-keyed calls (end_session, link_session, ...) find their shard here: one row per session,
-- written by datalinker.add_session on the proxy before the shard's row.
CREATE TABLE datalinker_proxy.session_directory (
    session_id text PRIMARY KEY,
    user_id    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['datalinker_worker', 'datalinker_readonly', 'datalinker_session_manager',
                                  'datalinker_ingest', 'datalinker_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
        END IF;
    END LOOP;
END
$$;

-- A partition being moved to another shard is frozen: user-keyed calls for it fail fast with 55P03 (retry).
ALTER TABLE datalinker_proxy.partitions ADD COLUMN frozen boolean NOT NULL DEFAULT false;
-- Moves in progress (datalinker move-partition): re-running a move continues from its step.
CREATE TABLE datalinker_proxy.partition_moves (
    partition   integer PRIMARY KEY REFERENCES datalinker_proxy.partitions,
    to_connstr  text NOT NULL,
    step        text NOT NULL CHECK (step IN ('frozen', 'copied', 'deleted')),
    started_at  timestamptz NOT NULL DEFAULT now()
);
