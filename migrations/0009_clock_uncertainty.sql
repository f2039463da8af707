-- 0009 clock uncertainty (issue 20): DL006 judges the fitted line, never single points. The scatter limit on
-- single measurements (clock_max_rms_us) goes; the line's uncertainty at the session's data is bounded by
-- clock_max_uncertainty_us. clock_line is the composite result of one robust fit. Append-only.
DELETE FROM datalinker.settings WHERE name = 'clock_max_rms_us';
INSERT INTO datalinker.settings (name, value, min_value, max_value, unit, description) VALUES
    ('clock_max_uncertainty_us', 1000, 50, 1000, 'us',
     'a clock piece whose line is uncertain by more than this at the session''s data (3 standard errors of the fitted line) cannot promise 1 ms: unusable (DL006)')
ON CONFLICT (name) DO NOTHING;

CREATE TYPE datalinker.clock_line AS (
    mean_at_us     numeric,  -- the line passes through (mean_at_us, mean_offset_us): weighted means of its points
    mean_offset_us numeric,  -- device − UTC, µs
    slope          numeric,  -- drift (µs per µs)
    scale_us       numeric,  -- robust scatter of single points around the line: 1.4826·MAD of the residuals
    points         integer   -- measurements the line was fitted to
);

-- One row of clock_fit: a clock piece, its line, what it used and rejected, and why it is unusable (problem).
CREATE TYPE datalinker.clock_piece AS (
    piece          integer,   -- 1, 2, … in time order; NULL on a row that only carries a problem of the input
    from_us        numeric,   -- valid from (the previous piece's last measurement; NULL: open)
    to_us          numeric,   -- valid to (the next piece's first measurement; NULL: open)
    first_at_us    numeric,   -- measured from (NULL: open at the session's start)
    last_at_us     numeric,   -- measured to (NULL: open at the session's end)
    mean_offset_us numeric,
    mean_at_us     numeric,
    slope          numeric,
    points         integer,   -- measurements the line is fitted to
    rejected       integer,   -- measurements rejected as outliers (never fitted)
    scale_us       numeric,   -- robust scatter of single measurements (1.4826·MAD)
    uncertainty_us numeric,   -- 3 standard errors of the line at the worse end of the session's data
    problem        text       -- why the piece is unusable (DL006), NULL: usable
);

ALTER TYPE datalinker.clock_line OWNER TO datalinker_owner;
ALTER TYPE datalinker.clock_piece OWNER TO datalinker_owner;
