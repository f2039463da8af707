-- 0001 schema: the domain tables of DESIGN §1 in public, and the datalinker schema for our code.
-- Append-only: never edit once landed; change the schema with a new numbered migration.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS datalinker;

-- The seed's link table is obsolete: the link is raw_data_objects.session_id.
DROP TABLE IF EXISTS public.session_object_links;

CREATE TABLE public.experiments (
    experiment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          varchar NOT NULL,
    description   text,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.sessions (
    session_id                 varchar PRIMARY KEY CHECK (session_id <> ''),
    user_id                    varchar NOT NULL CHECK (user_id <> ''),
    experiment_id              uuid REFERENCES public.experiments (experiment_id),
    start_time                 timestamptz NOT NULL,
    end_time                   timestamptz,
    session_type               varchar CHECK (session_type IN ('calibration', 'main')),
    calibration_for_session_id varchar,
    clock_offset_info          jsonb,
    link_status                varchar NOT NULL DEFAULT 'pending'
                               CHECK (link_status IN ('pending', 'processing', 'completed', 'failed')),
    link_error                 text,
    linked_at                  timestamptz,
    -- Every reference to a session carries the user too: no cross-user reference, and the tables can be
    -- co-located by user_id (docs/scaling.md).
    CONSTRAINT sessions_user_session_key UNIQUE (user_id, session_id),
    CONSTRAINT sessions_calibration_for_fkey FOREIGN KEY (user_id, calibration_for_session_id)
        REFERENCES public.sessions (user_id, session_id),
    CONSTRAINT sessions_end_after_start CHECK (end_time > start_time),
    CONSTRAINT sessions_calibration_target_only_for_calibration
        CHECK (calibration_for_session_id IS NULL OR session_type = 'calibration'),
    CONSTRAINT sessions_clock_offset_info_is_object
        CHECK (clock_offset_info IS NULL OR jsonb_typeof(clock_offset_info) = 'object')
);

CREATE TABLE public.raw_data_objects (
    object_id         varchar PRIMARY KEY CHECK (object_id <> ''),
    user_id           varchar NOT NULL,
    session_id        varchar,
    start_time        timestamptz,
    end_time          timestamptz,
    start_time_device bigint CHECK (start_time_device >= 0 AND start_time_device < 4294967296),
    end_time_device   bigint CHECK (end_time_device >= 0 AND end_time_device < 4294967296),
    data_type         varchar NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT raw_data_objects_utc_pair CHECK ((start_time IS NULL) = (end_time IS NULL)),
    CONSTRAINT raw_data_objects_device_pair CHECK ((start_time_device IS NULL) = (end_time_device IS NULL)),
    CONSTRAINT raw_data_objects_has_times CHECK (start_time IS NOT NULL OR start_time_device IS NOT NULL),
    CONSTRAINT raw_data_objects_utc_positive CHECK (end_time > start_time),
    CONSTRAINT raw_data_objects_device_positive CHECK (end_time_device <> start_time_device),
    CONSTRAINT raw_data_objects_linked_has_utc CHECK (session_id IS NULL OR start_time IS NOT NULL),
    CONSTRAINT raw_data_objects_session_fkey FOREIGN KEY (user_id, session_id)
        REFERENCES public.sessions (user_id, session_id)
);

CREATE TABLE public.images (
    image_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_id     varchar NOT NULL UNIQUE,
    user_id       varchar NOT NULL,
    session_id    varchar NOT NULL,
    experiment_id uuid REFERENCES public.experiments (experiment_id),
    captured_at   timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT images_session_fkey FOREIGN KEY (user_id, session_id) REFERENCES public.sessions (user_id, session_id)
);

CREATE TABLE public.audio_clips (
    audio_clip_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_id     varchar NOT NULL UNIQUE,
    user_id       varchar NOT NULL,
    session_id    varchar NOT NULL,
    experiment_id uuid REFERENCES public.experiments (experiment_id),
    captured_at   timestamptz NOT NULL,
    duration_ms   integer CHECK (duration_ms > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audio_clips_session_fkey FOREIGN KEY (user_id, session_id)
        REFERENCES public.sessions (user_id, session_id)
);

-- Linker: the sessions of one user near a time (owner rule, DESIGN §3).
CREATE INDEX sessions_user_start_idx ON public.sessions (user_id, start_time);
-- Readers: "all calibration sessions of user A in experiment B" is one index lookup.
CREATE INDEX sessions_user_experiment_type_idx ON public.sessions (user_id, experiment_id, session_type);
CREATE INDEX sessions_calibration_for_idx ON public.sessions (calibration_for_session_id)
    WHERE calibration_for_session_id IS NOT NULL;
-- Operations: sessions not yet completed (doctor/status) without scanning the table.
CREATE INDEX sessions_unfinished_idx ON public.sessions (link_status, start_time)
    WHERE link_status <> 'completed';

-- Linker: one user's unlinked UTC chunks overlapping a time range. Partial on purpose: linking a
-- chunk takes it out of this index instead of inserting into it (GiST inserts were half the cost
-- of the linking UPDATE; see bench/). Linked chunks are found through their session (below).
CREATE INDEX raw_data_objects_user_range_idx ON public.raw_data_objects
    USING gist (user_id, tstzrange(start_time, end_time))
    WHERE session_id IS NULL AND start_time IS NOT NULL;
-- Linker: one user's legacy chunks still waiting for conversion, by receipt time.
CREATE INDEX raw_data_objects_pending_device_idx ON public.raw_data_objects (user_id, created_at)
    WHERE session_id IS NULL AND start_time IS NULL;
-- Readers: "all objects of session S in time order".
CREATE INDEX raw_data_objects_session_idx ON public.raw_data_objects (session_id, start_time)
    WHERE session_id IS NOT NULL;

CREATE INDEX images_session_idx ON public.images (session_id);
CREATE INDEX audio_clips_session_idx ON public.audio_clips (session_id);
