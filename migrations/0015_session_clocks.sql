-- 0015 session clocks (issue 21 item 2, DESIGN §3a): the fitted clock pieces of every ended session, stored.
-- A placement pass reads them instead of refitting each nearby session's clock_offset_info on every read.
-- Derived data, rebuilt from the raw rows: when a session is added or its times or clock change (trigger),
-- when a setting changes (trigger), and after every migrate (post-apply, which also backfills this table);
-- datalinker.verify_derived (CLI: datalinker doctor --verify) rebuilds and compares. Append-only.
CREATE TABLE datalinker.session_clocks (
    session_id     varchar NOT NULL REFERENCES public.sessions (session_id) ON DELETE CASCADE ON UPDATE CASCADE,
    piece          integer NOT NULL,
    from_us        numeric,
    to_us          numeric,
    first_at_us    numeric,
    last_at_us     numeric,
    mean_offset_us numeric NOT NULL,
    mean_at_us     numeric NOT NULL,
    slope          numeric NOT NULL,
    PRIMARY KEY (session_id, piece)
);
ALTER TABLE datalinker.session_clocks OWNER TO datalinker_owner;
