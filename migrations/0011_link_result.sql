-- 0011 link result (issue 22): one composite type for every function that returns the result of linking a
-- session (link_session, relink_session, amend_session, run_link; the proxy's too, migrations/proxy/0002).
-- The columns are the ones those functions returned before, in the same order. Append-only.
CREATE TYPE datalinker.link_result AS (
    session_id        text,
    link_status       text,     -- completed | failed
    objects_converted integer,  -- device-time chunks this call placed in the session (converted to UTC)
    objects_linked    integer,  -- chunks the session holds now
    media_linked      integer,  -- images and audio clips given the session's experiment
    objects_ambiguous integer   -- device-time chunks left ambiguous (candidate sessions in unplaced_chunks)
);
ALTER TYPE datalinker.link_result OWNER TO datalinker_owner;
