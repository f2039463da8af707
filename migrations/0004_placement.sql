-- 0004 placement: what late and offline data needs (DESIGN §2, §3).
-- * datalinker.settings: the linker's tunables, owner-only, each bounded by a CHECK.
-- * raw_data_objects.linked_by: which rows the linker wrote (relink undoes only those).
-- * datalinker.placement_requests: users with new device-time rows for the worker to place (one row per user).
-- * indexes for anchors (tick continuity with placed chunks) and collisions (placed chunks by type and time).
-- Append-only: never edit once landed.

CREATE TABLE datalinker.settings (
    name        text PRIMARY KEY,
    value       bigint NOT NULL,
    min_value   bigint NOT NULL,
    max_value   bigint NOT NULL,
    unit        text NOT NULL,
    description text NOT NULL,
    CONSTRAINT settings_value_in_bounds CHECK (value BETWEEN min_value AND max_value)
);

INSERT INTO datalinker.settings (name, value, min_value, max_value, unit, description) VALUES
    ('skew_us', 60000000, 0, 3600000000, 'us',
     'SKEW_US of DESIGN §2: how far a device may be ahead of the server''s receipt clock'),
    ('segment_gap_us', 1000, 0, 1000000, 'us',
     'a chunk whose start tick follows another chunk''s end tick by at most this much continues its recording'),
    ('live_lag_us', 120000000, 1000000, 3600000000, 'us',
     'a segment is live when every chunk arrived at most this long after its own end (and the segment is longer than this)'),
    ('max_upload_delay_us', 2592000000000, 3600000000, 31536000000000, 'us',
     'a buffered segment is placed only in sessions at most this long before its upload (default 30 days)'),
    ('session_margin_us', 60000000, 0, 3600000000, 'us',
     'a buffered segment must lie inside a session widened by this much on each side'),
    ('max_session_us', 86400000000, 60000000, 604800000000, 'us',
     'a running session claims nothing beyond its start plus this (default 24 h), nor beyond now()'),
    ('clock_fit_tolerance_us', 20000, 100, 10000000, 'us',
     'a clock piece whose robust line leaves most of its sync measurements further off than this is unusable (DL006)'),
    ('clock_max_rms_us', 500, 10, 100000, 'us',
     'a clock piece whose inliers scatter more than this (RMS) around its line cannot convert to 1 ms: unusable (DL006)'),
    ('clock_reset_min_us', 500000, 1000, 1000000000000, 'us',
     'a jump of consecutive sync offsets smaller than this is jitter or an outlier, never a counter reset');

ALTER TABLE public.raw_data_objects
    ADD COLUMN linked_by varchar CONSTRAINT raw_data_objects_linked_by_known CHECK (linked_by IN ('placement', 'overlap')),
    ADD CONSTRAINT raw_data_objects_linked_by_needs_session CHECK (linked_by IS NULL OR session_id IS NOT NULL);

-- Rows linked before this migration: device-time rows with UTC and a session were converted by the linker.
-- UTC-only rows may have come with their session from the Processor: left unmarked, never undone.
UPDATE public.raw_data_objects
   SET linked_by = 'placement'
 WHERE session_id IS NOT NULL AND start_time_device IS NOT NULL AND start_time IS NOT NULL;

CREATE TABLE datalinker.placement_requests (
    user_id      varchar PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now(),
    last_error   text  -- the last placement of this user failed: retried a minute later, never blocking the others
);

-- Anchors: placed device-time chunks by tick, to continue a pending segment (a straggler, the rest of a stream).
CREATE INDEX raw_data_objects_placed_end_tick_idx ON public.raw_data_objects (user_id, data_type, end_time_device)
    WHERE session_id IS NOT NULL AND start_time_device IS NOT NULL;
CREATE INDEX raw_data_objects_placed_start_tick_idx ON public.raw_data_objects (user_id, data_type, start_time_device)
    WHERE session_id IS NOT NULL AND start_time_device IS NOT NULL;
-- Collisions: placed chunks of one user and type by time (one device records one stream of a type).
CREATE INDEX raw_data_objects_placed_time_idx ON public.raw_data_objects (user_id, data_type, start_time)
    WHERE session_id IS NOT NULL;
