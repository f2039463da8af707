-- proxy 0002: the shards' link result type (migrations/0011), which the proxy's link_session, relink_session and
-- amend_session return. Append-only.
CREATE TYPE datalinker.link_result AS (
    session_id        text,
    link_status       text,
    objects_converted integer,
    objects_linked    integer,
    media_linked      integer,
    objects_ambiguous integer
);
