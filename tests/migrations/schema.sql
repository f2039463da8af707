CREATE SCHEMA datalinker;
COMMENT ON SCHEMA datalinker IS '<version>';
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';
CREATE TYPE datalinker.clock_line AS (
	mean_at_us numeric,
	mean_offset_us numeric,
	slope numeric,
	scale_us numeric,
	points integer
);
CREATE TYPE datalinker.clock_piece AS (
	piece integer,
	from_us numeric,
	to_us numeric,
	first_at_us numeric,
	last_at_us numeric,
	mean_offset_us numeric,
	mean_at_us numeric,
	slope numeric,
	points integer,
	rejected integer,
	scale_us numeric,
	uncertainty_us numeric,
	problem text
);
CREATE TYPE datalinker.link_result AS (
	session_id text,
	link_status text,
	objects_converted integer,
	objects_linked integer,
	media_linked integer,
	objects_ambiguous integer
);
CREATE FUNCTION datalinker.accept_amqp_job(p_message_id text, p_body text) RETURNS TABLE(outcome text, msg_id bigint, reason text);
CREATE FUNCTION datalinker.ack_event(p_msg_id bigint) RETURNS boolean;
CREATE FUNCTION datalinker.add_chunks(p_user_id text[], p_object_id text[], p_session_id text[], p_start_time timestamp with time zone[], p_end_time timestamp with time zone[], p_start_time_device bigint[], p_end_time_device bigint[], p_data_type text[], p_received_at timestamp with time zone[]) RETURNS integer;
CREATE FUNCTION datalinker.add_experiment(p_experiment_id uuid, p_name text, p_description text DEFAULT NULL::text) RETURNS boolean;
CREATE FUNCTION datalinker.add_media(p_kind text, p_user_id text[], p_object_id text[], p_session_id text[], p_captured_at timestamp with time zone[], p_duration_ms integer[]) RETURNS integer;
CREATE FUNCTION datalinker.add_session(p_session_id text, p_user_id text, p_start_time timestamp with time zone, p_session_type text DEFAULT 'main'::text, p_clock_offset_info jsonb DEFAULT NULL::jsonb, p_experiment_id uuid DEFAULT NULL::uuid, p_calibration_for text DEFAULT NULL::text) RETURNS boolean;
CREATE FUNCTION datalinker.amend_session(p_session_id text, p_end_time timestamp with time zone DEFAULT NULL::timestamp with time zone, p_clock_offset_info jsonb DEFAULT NULL::jsonb) RETURNS SETOF datalinker.link_result;
CREATE FUNCTION datalinker.announce(p_session_id text) RETURNS void;
CREATE TABLE public.sessions (
    session_id character varying NOT NULL,
    user_id character varying NOT NULL,
    experiment_id uuid,
    start_time timestamp with time zone NOT NULL,
    end_time timestamp with time zone,
    session_type character varying,
    calibration_for_session_id character varying,
    clock_offset_info jsonb,
    link_status character varying DEFAULT 'pending'::character varying NOT NULL,
    link_error text,
    linked_at timestamp with time zone,
    CONSTRAINT sessions_calibration_target_only_for_calibration CHECK (((calibration_for_session_id IS NULL) OR ((session_type)::text = 'calibration'::text))),
    CONSTRAINT sessions_clock_offset_info_is_object CHECK (((clock_offset_info IS NULL) OR (jsonb_typeof(clock_offset_info) = 'object'::text))),
    CONSTRAINT sessions_end_after_start CHECK ((end_time > start_time)),
    CONSTRAINT sessions_link_status_check CHECK (((link_status)::text = ANY ((ARRAY['pending'::character varying, 'processing'::character varying, 'completed'::character varying, 'failed'::character varying])::text[]))),
    CONSTRAINT sessions_session_id_check CHECK (((session_id)::text <> ''::text)),
    CONSTRAINT sessions_session_type_check CHECK (((session_type)::text = ANY ((ARRAY['calibration'::character varying, 'main'::character varying])::text[]))),
    CONSTRAINT sessions_user_id_check CHECK (((user_id)::text <> ''::text))
);
CREATE FUNCTION datalinker.calibration_sessions(p_user_id text, p_experiment_id uuid) RETURNS SETOF public.sessions;
CREATE FUNCTION datalinker.check_end_time(p_session public.sessions, p_end_time timestamp with time zone) RETURNS void;
CREATE FUNCTION datalinker.chunk_islands(p_user_id text) RETURNS TABLE(object_id character varying, data_type character varying, created_at timestamp with time zone, t0 bigint, t1 bigint, dur bigint, rcv bigint, u bigint, island bigint);
CREATE FUNCTION datalinker.chunk_placements(p_user_id text) RETURNS TABLE(object_id character varying, data_type character varying, received_at timestamp with time zone, status text, session_id character varying, start_time timestamp with time zone, end_time timestamp with time zone, candidate_sessions character varying[]);
CREATE FUNCTION datalinker.chunk_segments(p_user_id text) RETURNS TABLE(object_id character varying, data_type character varying, created_at timestamp with time zone, t0 bigint, t1 bigint, dur bigint, rcv bigint, seg bigint, rel bigint);
CREATE FUNCTION datalinker.claim_events(p_vt integer, p_qty integer) RETURNS TABLE(msg_id bigint, read_ct integer, enqueued_at timestamp with time zone, message jsonb);
CREATE FUNCTION datalinker.claim_job(p_vt_seconds integer DEFAULT 60, p_qty integer DEFAULT 1) RETURNS TABLE(msg_id bigint, read_ct integer, session_id text, user_id text);
CREATE FUNCTION datalinker.clock_fit(p_clock_offset_info jsonb, p_data_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_data_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF datalinker.clock_piece;
CREATE FUNCTION datalinker.clock_fits(p_latest_us bigint, p_span bigint, p_earliest_us bigint, p_session_from_us bigint, p_session_to_us bigint, p_piece_from_us numeric, p_piece_to_us numeric, p_core_from_us numeric, p_core_to_us numeric, p_lags_live boolean, p_spread_live boolean, p_live_run boolean, p_margin bigint) RETURNS TABLE(t bigint, kind text);
CREATE FUNCTION datalinker.clock_judge(p_at_us numeric[], p_offset_us numeric[], p_piece integer[], p_keep boolean[], p_lines datalinker.clock_line[], p_data_from timestamp with time zone, p_data_to timestamp with time zone) RETURNS SETOF datalinker.clock_piece;
CREATE FUNCTION datalinker.clock_line(p_at_us numeric[], p_offset_us numeric[], p_start datalinker.clock_line DEFAULT NULL::datalinker.clock_line) RETURNS datalinker.clock_line;
CREATE FUNCTION datalinker.clock_measurement_problem(p_points jsonb) RETURNS text;
CREATE FUNCTION datalinker.clock_measurements(p_points jsonb) RETURNS TABLE(at_us numeric[], offset_us numeric[], problem text);
CREATE FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb) RETURNS bigint;
CREATE FUNCTION datalinker.clock_pieces(p_clock_offset_info jsonb, p_strict boolean DEFAULT true, p_data_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_data_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(piece integer, from_us numeric, to_us numeric, first_at_us numeric, last_at_us numeric, mean_offset_us numeric, mean_at_us numeric, slope numeric, points integer, rejected integer, scale_us numeric, uncertainty_us numeric);
CREATE FUNCTION datalinker.clock_report(p_session_id text) RETURNS TABLE(piece integer, valid_from timestamp with time zone, valid_to timestamp with time zone, offset_at timestamp with time zone, offset_ms numeric, drift_ppm numeric, points integer, rejected integer, scatter_us numeric, uncertainty_us numeric, problem text);
CREATE FUNCTION datalinker.clock_split(p_at_us numeric[], p_offset_us numeric[]) RETURNS integer[];
CREATE FUNCTION datalinker.dead_letter(p_msg_id bigint, p_payload jsonb, p_read_ct integer, p_reason text, p_error text) RETURNS void;
CREATE FUNCTION datalinker.device_to_utc(p_device_us bigint, p_session_start timestamp with time zone, p_offset_ms_avg double precision, p_received_at timestamp with time zone) RETURNS timestamp with time zone;
CREATE FUNCTION datalinker.device_to_utc_model_us(p_device_us bigint, p_anchor_device_us bigint, p_session_start_us bigint, p_received_us bigint, p_skew_us bigint, p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric) RETURNS bigint;
CREATE FUNCTION datalinker.device_to_utc_us(p_device_us bigint, p_session_start_us bigint, p_offset_us bigint, p_received_us bigint, p_skew_us bigint) RETURNS bigint;
CREATE FUNCTION datalinker.doctor(p_unlinked_hours integer DEFAULT 24, p_max_queue_age_seconds integer DEFAULT 600, p_max_dead_tuples integer DEFAULT 100000) RETURNS TABLE(check_name text, status text, count bigint, detail text);
CREATE FUNCTION datalinker.end_session(p_session_id text, p_end_time timestamp with time zone DEFAULT now()) RETURNS bigint;
CREATE FUNCTION datalinker.enqueue_link(p_session_id text) RETURNS bigint;
CREATE FUNCTION datalinker.epoch_us(p_ts timestamp with time zone) RETURNS bigint;
CREATE FUNCTION datalinker.error_codes() RETURNS TABLE(sqlstate text, meaning text);
CREATE FUNCTION datalinker.events_waiting() RETURNS bigint;
CREATE FUNCTION datalinker.from_epoch_us(p_us bigint) RETURNS timestamp with time zone;
CREATE FUNCTION datalinker.is_iso_time_with_zone(p_text text) RETURNS boolean;
CREATE FUNCTION datalinker.is_transient(p_sqlstate text) RETURNS boolean;
CREATE FUNCTION datalinker.link_chunks(p_session_id text) RETURNS integer;
CREATE FUNCTION datalinker.link_media(p_session_id text) RETURNS integer;
CREATE FUNCTION datalinker.link_session(p_session_id text) RETURNS SETOF datalinker.link_result;
CREATE FUNCTION datalinker.nearby_clocks(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(session_id character varying, ended boolean, s_us bigint, e_us bigint, clock datalinker.clock_piece);
CREATE FUNCTION datalinker.note_device_uploads() RETURNS trigger;
CREATE FUNCTION datalinker.offset_at_us(p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric, p_at_us bigint) RETURNS bigint;
CREATE FUNCTION datalinker.partition_of(p_user_id text, p_mask integer) RETURNS integer;
CREATE FUNCTION datalinker.payload_problem(p_message jsonb) RETURNS text;
CREATE TABLE public.raw_data_objects (
    object_id character varying NOT NULL,
    user_id character varying NOT NULL,
    session_id character varying,
    start_time timestamp with time zone,
    end_time timestamp with time zone,
    start_time_device bigint,
    end_time_device bigint,
    data_type character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    linked_by character varying,
    expired_at timestamp with time zone,
    CONSTRAINT raw_data_objects_device_pair CHECK (((start_time_device IS NULL) = (end_time_device IS NULL))),
    CONSTRAINT raw_data_objects_device_positive CHECK ((end_time_device <> start_time_device)),
    CONSTRAINT raw_data_objects_end_time_device_check CHECK (((end_time_device >= 0) AND (end_time_device < '4294967296'::bigint))),
    CONSTRAINT raw_data_objects_expired_only_unlinked CHECK (((expired_at IS NULL) OR ((session_id IS NULL) AND (start_time IS NULL)))),
    CONSTRAINT raw_data_objects_has_times CHECK (((start_time IS NOT NULL) OR (start_time_device IS NOT NULL))),
    CONSTRAINT raw_data_objects_linked_by_known CHECK (((linked_by)::text = ANY ((ARRAY['placement'::character varying, 'overlap'::character varying])::text[]))),
    CONSTRAINT raw_data_objects_linked_by_needs_session CHECK (((linked_by IS NULL) OR (session_id IS NOT NULL) OR (((linked_by)::text = 'placement'::text) AND (start_time_device IS NOT NULL)))),
    CONSTRAINT raw_data_objects_linked_has_utc CHECK (((session_id IS NULL) OR (start_time IS NOT NULL))),
    CONSTRAINT raw_data_objects_object_id_check CHECK (((object_id)::text <> ''::text)),
    CONSTRAINT raw_data_objects_start_time_device_check CHECK (((start_time_device >= 0) AND (start_time_device < '4294967296'::bigint))),
    CONSTRAINT raw_data_objects_utc_pair CHECK (((start_time IS NULL) = (end_time IS NULL))),
    CONSTRAINT raw_data_objects_utc_positive CHECK ((end_time > start_time))
);
CREATE FUNCTION datalinker.pending_device_chunks(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS SETOF public.raw_data_objects;
CREATE FUNCTION datalinker.place_job(p_user_id text) RETURNS TABLE(placed integer, reason text, error text);
CREATE FUNCTION datalinker.place_user(p_user_id text) RETURNS TABLE(session_id character varying, placed integer, ambiguous integer);
CREATE FUNCTION datalinker.placement_state(p_user_id text) RETURNS jsonb;
CREATE FUNCTION datalinker.placement_summary() RETURNS TABLE(reason text, chunks bigint, users bigint, oldest_received timestamp with time zone);
CREATE FUNCTION datalinker.process_job(p_msg_id bigint, p_max_attempts integer DEFAULT 5) RETURNS TABLE(msg_id bigint, session_id text, outcome text, reason text, link_status text, objects_converted integer, objects_linked integer, media_linked integer, user_id text);
CREATE FUNCTION datalinker.purge_amqp_inbox(p_older_than interval) RETURNS bigint;
CREATE FUNCTION datalinker.purge_archive(p_older_than interval) RETURNS TABLE(queue_name text, purged bigint);
CREATE FUNCTION datalinker.queue_placements(p_user_ids text[]) RETURNS integer;
CREATE FUNCTION datalinker.relink_session(p_session_id text) RETURNS SETOF datalinker.link_result;
CREATE FUNCTION datalinker.reopen_decided() RETURNS trigger;
CREATE FUNCTION datalinker.requeue_dead(p_limit integer DEFAULT 1000) RETURNS integer;
CREATE FUNCTION datalinker.require_clock_offset(p_session_id text) RETURNS void;
CREATE FUNCTION datalinker.retry_job(p_msg_id bigint, p_delay_seconds integer) RETURNS void;
CREATE FUNCTION datalinker.run_link(p_session_id text, p_undo_first boolean) RETURNS SETOF datalinker.link_result;
CREATE FUNCTION datalinker.segment_anchor(p_user_id text, p_data_type text, p_head_t0 bigint, p_tail_t1 bigint, p_span bigint, p_from_us bigint, p_to_us bigint, p_gap bigint) RETURNS TABLE(t bigint, conflicting boolean);
CREATE FUNCTION datalinker.segment_decision(p_user_id text, p_data_type text, p_anchor_t bigint, p_anchor_conflicting boolean, p_span bigint, p_bound bigint, p_lag_ref bigint, p_lead_ref bigint, p_lead_spread bigint, p_lead_length bigint, p_head_t0 bigint, p_head_dur bigint, p_first_rcv bigint, p_last_rcv bigint, p_sessions character varying[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[], p_delay bigint, p_live bigint, p_margin bigint) RETURNS TABLE(status text, t bigint, chosen_session character varying, chosen_piece integer, candidates character varying[], certain boolean);
CREATE FUNCTION datalinker.segment_facts(p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[], p_rcv bigint[], p_skew bigint, p_live bigint) RETURNS TABLE(span bigint, bound bigint, lag_ref bigint, lead_ref bigint, lead_spread bigint, lead_length bigint, head_t0 bigint, head_dur bigint, tail_t1 bigint, first_rcv bigint, last_rcv bigint);
CREATE FUNCTION datalinker.segment_owners(p_status text, p_t bigint, p_span bigint, p_chosen_session character varying, p_chosen_piece integer, p_certain boolean, p_ids character varying[], p_received timestamp with time zone[], p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[], p_sessions character varying[], p_ended boolean[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[], p_margin bigint) RETURNS TABLE(object_id character varying, received_at timestamp with time zone, status text, session_id character varying, start_us bigint, end_us bigint);
CREATE FUNCTION datalinker.session_chunks(p_session_id text) RETURNS TABLE(object_id character varying, start_time timestamp with time zone, end_time timestamp with time zone);
CREATE FUNCTION datalinker.session_clock_changed() RETURNS trigger;
CREATE FUNCTION datalinker.session_for_update(p_session_id text, p_require_ended boolean) RETURNS public.sessions;
CREATE FUNCTION datalinker.session_objects(p_session_id text) RETURNS SETOF public.raw_data_objects;
CREATE FUNCTION datalinker.session_reach(p_user_id text, p_start timestamp with time zone, p_end timestamp with time zone) RETURNS timestamp with time zone;
CREATE FUNCTION datalinker.session_status(p_session_id text) RETURNS TABLE(session_id text, user_id text, start_time timestamp with time zone, end_time timestamp with time zone, link_status text, link_error text, objects_linked bigint);
CREATE FUNCTION datalinker.set_setting(p_name text, p_value bigint) RETURNS TABLE(name text, value bigint, min_value bigint, max_value bigint, unit text);
CREATE FUNCTION datalinker.setting(p_name text) RETURNS bigint;
CREATE FUNCTION datalinker.skew_us() RETURNS bigint;
CREATE FUNCTION datalinker.status_report() RETURNS TABLE(section text, name text, count bigint, detail text, age_s bigint);
CREATE FUNCTION datalinker.store_session_clock(p_session_id text DEFAULT NULL::text) RETURNS integer;
CREATE FUNCTION datalinker.time_is_free(p_user_id text, p_data_type text, p_from_us bigint, p_to_us bigint) RETURNS boolean;
CREATE FUNCTION datalinker.unexpire(p_user_id text DEFAULT NULL::text) RETURNS integer;
CREATE FUNCTION datalinker.unplaced_chunks(p_user_id text DEFAULT NULL::text) RETURNS TABLE(object_id character varying, user_id character varying, data_type character varying, received_at timestamp with time zone, reason text, candidate_sessions character varying[]);
CREATE FUNCTION datalinker.user_timeline(p_user_id text, p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(kind text, item_id text, category text, state text, start_time timestamp with time zone, end_time timestamp with time zone);
CREATE FUNCTION datalinker.utc_days(p_from_us bigint, p_to_us bigint) RETURNS date[];
CREATE FUNCTION datalinker.verify_derived(p_user_id text DEFAULT NULL::text) RETURNS TABLE(kind text, item text, stored text, rebuilt text);
CREATE FUNCTION datalinker.wrap_us(p_us bigint) RETURNS bigint;
CREATE TABLE datalinker.amqp_inbox (
    message_id text NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    msg_id bigint,
    refused text
);
CREATE TABLE datalinker.placement_requests (
    user_id character varying NOT NULL,
    requested_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE datalinker.session_clocks (
    session_id character varying NOT NULL,
    piece integer NOT NULL,
    from_us numeric,
    to_us numeric,
    first_at_us numeric,
    last_at_us numeric,
    mean_offset_us numeric NOT NULL,
    mean_at_us numeric NOT NULL,
    slope numeric NOT NULL
);
CREATE TABLE datalinker.settings (
    name text NOT NULL,
    value bigint NOT NULL,
    min_value bigint NOT NULL,
    max_value bigint NOT NULL,
    unit text NOT NULL,
    description text NOT NULL,
    CONSTRAINT settings_value_in_bounds CHECK (((value >= min_value) AND (value <= max_value)))
);
CREATE TABLE public._yoyo_log (
    id character varying(36) NOT NULL,
    migration_hash character varying(64),
    migration_id character varying(255),
    operation character varying(10),
    username character varying(255),
    hostname character varying(255),
    comment character varying(255),
    created_at_utc timestamp without time zone
);
CREATE TABLE public._yoyo_migration (
    migration_hash character varying(64) NOT NULL,
    migration_id character varying(255),
    applied_at_utc timestamp without time zone
);
CREATE TABLE public._yoyo_version (
    version integer NOT NULL,
    installed_at_utc timestamp without time zone
);
CREATE TABLE public.audio_clips (
    audio_clip_id uuid DEFAULT gen_random_uuid() NOT NULL,
    object_id character varying NOT NULL,
    user_id character varying NOT NULL,
    session_id character varying NOT NULL,
    experiment_id uuid,
    captured_at timestamp with time zone NOT NULL,
    duration_ms integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audio_clips_duration_ms_check CHECK ((duration_ms > 0))
);
CREATE TABLE public.experiments (
    experiment_id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying NOT NULL,
    description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.images (
    image_id uuid DEFAULT gen_random_uuid() NOT NULL,
    object_id character varying NOT NULL,
    user_id character varying NOT NULL,
    session_id character varying NOT NULL,
    experiment_id uuid,
    captured_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.yoyo_lock (
    locked integer DEFAULT 1 NOT NULL,
    ctime timestamp without time zone,
    pid integer NOT NULL
);
ALTER TABLE ONLY datalinker.amqp_inbox
    ADD CONSTRAINT amqp_inbox_pkey PRIMARY KEY (message_id);
ALTER TABLE ONLY datalinker.placement_requests
    ADD CONSTRAINT placement_requests_pkey PRIMARY KEY (user_id);
ALTER TABLE ONLY datalinker.session_clocks
    ADD CONSTRAINT session_clocks_pkey PRIMARY KEY (session_id, piece);
ALTER TABLE ONLY datalinker.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (name);
ALTER TABLE ONLY public._yoyo_log
    ADD CONSTRAINT _yoyo_log_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._yoyo_migration
    ADD CONSTRAINT _yoyo_migration_pkey PRIMARY KEY (migration_hash);
ALTER TABLE ONLY public._yoyo_version
    ADD CONSTRAINT _yoyo_version_pkey PRIMARY KEY (version);
ALTER TABLE ONLY public.audio_clips
    ADD CONSTRAINT audio_clips_object_id_key UNIQUE (object_id);
ALTER TABLE ONLY public.audio_clips
    ADD CONSTRAINT audio_clips_pkey PRIMARY KEY (audio_clip_id);
ALTER TABLE ONLY public.experiments
    ADD CONSTRAINT experiments_pkey PRIMARY KEY (experiment_id);
ALTER TABLE ONLY public.images
    ADD CONSTRAINT images_object_id_key UNIQUE (object_id);
ALTER TABLE ONLY public.images
    ADD CONSTRAINT images_pkey PRIMARY KEY (image_id);
ALTER TABLE public.raw_data_objects
    ADD CONSTRAINT raw_data_objects_created_at_finite CHECK (isfinite(created_at)) NOT VALID;
ALTER TABLE ONLY public.raw_data_objects
    ADD CONSTRAINT raw_data_objects_pkey PRIMARY KEY (object_id);
ALTER TABLE public.raw_data_objects
    ADD CONSTRAINT raw_data_objects_times_finite CHECK (((start_time IS NULL) OR (isfinite(start_time) AND isfinite(end_time) AND ((created_at >= '1970-01-01 00:00:00+00'::timestamp with time zone) AND (created_at <= '9999-12-31 00:00:00+00'::timestamp with time zone))))) NOT VALID;
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (session_id);
ALTER TABLE public.sessions
    ADD CONSTRAINT sessions_times_finite CHECK ((isfinite(start_time) AND ((end_time IS NULL) OR isfinite(end_time)))) NOT VALID;
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_session_key UNIQUE (user_id, session_id);
ALTER TABLE ONLY public.yoyo_lock
    ADD CONSTRAINT yoyo_lock_pkey PRIMARY KEY (locked);
CREATE INDEX amqp_inbox_received_idx ON datalinker.amqp_inbox USING btree (received_at);
CREATE INDEX audio_clips_session_idx ON public.audio_clips USING btree (session_id);
CREATE INDEX images_session_idx ON public.images USING btree (session_id);
CREATE INDEX raw_data_objects_decided_idx ON public.raw_data_objects USING btree (user_id, start_time) WHERE ((session_id IS NULL) AND ((linked_by)::text = 'placement'::text));
CREATE INDEX raw_data_objects_expired_idx ON public.raw_data_objects USING btree (user_id, created_at) WHERE (expired_at IS NOT NULL);
CREATE INDEX raw_data_objects_pending_device_idx ON public.raw_data_objects USING btree (user_id, created_at) WHERE ((session_id IS NULL) AND (start_time IS NULL) AND (expired_at IS NULL));
CREATE INDEX raw_data_objects_placed_end_tick_idx ON public.raw_data_objects USING btree (user_id, data_type, (((end_time AT TIME ZONE 'UTC'::text))::date), end_time_device) WHERE ((start_time_device IS NOT NULL) AND ((session_id IS NOT NULL) OR ((linked_by)::text = 'placement'::text)));
CREATE INDEX raw_data_objects_placed_start_tick_idx ON public.raw_data_objects USING btree (user_id, data_type, (((start_time AT TIME ZONE 'UTC'::text))::date), start_time_device) WHERE ((start_time_device IS NOT NULL) AND ((session_id IS NOT NULL) OR ((linked_by)::text = 'placement'::text)));
CREATE INDEX raw_data_objects_placed_time_idx ON public.raw_data_objects USING btree (user_id, data_type, start_time) WHERE ((start_time_device IS NOT NULL) AND ((session_id IS NOT NULL) OR ((linked_by)::text = 'placement'::text)));
CREATE INDEX raw_data_objects_session_idx ON public.raw_data_objects USING btree (session_id, start_time) WHERE (session_id IS NOT NULL);
CREATE INDEX raw_data_objects_user_range_idx ON public.raw_data_objects USING gist (user_id, tstzrange(start_time, end_time)) WHERE ((session_id IS NULL) AND (start_time IS NOT NULL) AND (linked_by IS NULL));
CREATE INDEX sessions_calibration_for_idx ON public.sessions USING btree (calibration_for_session_id) WHERE (calibration_for_session_id IS NOT NULL);
CREATE INDEX sessions_unfinished_idx ON public.sessions USING btree (link_status, start_time) WHERE ((link_status)::text <> 'completed'::text);
CREATE INDEX sessions_user_experiment_type_idx ON public.sessions USING btree (user_id, experiment_id, session_type);
CREATE INDEX sessions_user_start_idx ON public.sessions USING btree (user_id, start_time);
CREATE TRIGGER settings_store_clocks AFTER UPDATE ON datalinker.settings FOR EACH STATEMENT EXECUTE FUNCTION datalinker.session_clock_changed();
CREATE TRIGGER raw_data_objects_note_device_uploads AFTER INSERT ON public.raw_data_objects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION datalinker.note_device_uploads();
CREATE TRIGGER sessions_reopen_decided AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info, user_id ON public.sessions FOR EACH ROW EXECUTE FUNCTION datalinker.reopen_decided();
CREATE TRIGGER sessions_store_clock AFTER INSERT OR UPDATE OF start_time, end_time, clock_offset_info ON public.sessions FOR EACH ROW EXECUTE FUNCTION datalinker.session_clock_changed();
ALTER TABLE ONLY datalinker.session_clocks
    ADD CONSTRAINT session_clocks_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.sessions(session_id) ON UPDATE CASCADE ON DELETE CASCADE;
ALTER TABLE ONLY public.audio_clips
    ADD CONSTRAINT audio_clips_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES public.experiments(experiment_id);
ALTER TABLE ONLY public.audio_clips
    ADD CONSTRAINT audio_clips_session_fkey FOREIGN KEY (user_id, session_id) REFERENCES public.sessions(user_id, session_id);
ALTER TABLE ONLY public.images
    ADD CONSTRAINT images_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES public.experiments(experiment_id);
ALTER TABLE ONLY public.images
    ADD CONSTRAINT images_session_fkey FOREIGN KEY (user_id, session_id) REFERENCES public.sessions(user_id, session_id);
ALTER TABLE ONLY public.raw_data_objects
    ADD CONSTRAINT raw_data_objects_session_fkey FOREIGN KEY (user_id, session_id) REFERENCES public.sessions(user_id, session_id);
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_calibration_for_fkey FOREIGN KEY (user_id, calibration_for_session_id) REFERENCES public.sessions(user_id, session_id);
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES public.experiments(experiment_id);
GRANT USAGE ON SCHEMA datalinker TO datalinker_worker;
GRANT USAGE ON SCHEMA datalinker TO datalinker_readonly;
GRANT USAGE ON SCHEMA datalinker TO datalinker_session_manager;
GRANT USAGE ON SCHEMA datalinker TO datalinker_ingest;
GRANT USAGE ON SCHEMA datalinker TO datalinker_admin;
GRANT USAGE ON SCHEMA datalinker TO datalinker_bridge;
GRANT USAGE ON SCHEMA public TO datalinker_readonly;
GRANT USAGE ON SCHEMA public TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.accept_amqp_job(p_message_id text, p_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.accept_amqp_job(p_message_id text, p_body text) TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.ack_event(p_msg_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.ack_event(p_msg_id bigint) TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.add_chunks(p_user_id text[], p_object_id text[], p_session_id text[], p_start_time timestamp with time zone[], p_end_time timestamp with time zone[], p_start_time_device bigint[], p_end_time_device bigint[], p_data_type text[], p_received_at timestamp with time zone[]) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.add_chunks(p_user_id text[], p_object_id text[], p_session_id text[], p_start_time timestamp with time zone[], p_end_time timestamp with time zone[], p_start_time_device bigint[], p_end_time_device bigint[], p_data_type text[], p_received_at timestamp with time zone[]) TO datalinker_ingest;
REVOKE ALL ON FUNCTION datalinker.add_experiment(p_experiment_id uuid, p_name text, p_description text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.add_experiment(p_experiment_id uuid, p_name text, p_description text) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.add_media(p_kind text, p_user_id text[], p_object_id text[], p_session_id text[], p_captured_at timestamp with time zone[], p_duration_ms integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.add_media(p_kind text, p_user_id text[], p_object_id text[], p_session_id text[], p_captured_at timestamp with time zone[], p_duration_ms integer[]) TO datalinker_ingest;
REVOKE ALL ON FUNCTION datalinker.add_session(p_session_id text, p_user_id text, p_start_time timestamp with time zone, p_session_type text, p_clock_offset_info jsonb, p_experiment_id uuid, p_calibration_for text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.add_session(p_session_id text, p_user_id text, p_start_time timestamp with time zone, p_session_type text, p_clock_offset_info jsonb, p_experiment_id uuid, p_calibration_for text) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.amend_session(p_session_id text, p_end_time timestamp with time zone, p_clock_offset_info jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.announce(p_session_id text) FROM PUBLIC;
GRANT SELECT ON TABLE public.sessions TO datalinker_readonly;
REVOKE ALL ON FUNCTION datalinker.calibration_sessions(p_user_id text, p_experiment_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.calibration_sessions(p_user_id text, p_experiment_id uuid) TO datalinker_readonly;
REVOKE ALL ON FUNCTION datalinker.check_end_time(p_session public.sessions, p_end_time timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.chunk_islands(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.chunk_placements(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.chunk_segments(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.claim_events(p_vt integer, p_qty integer) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.claim_events(p_vt integer, p_qty integer) TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.claim_job(p_vt_seconds integer, p_qty integer) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.claim_job(p_vt_seconds integer, p_qty integer) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.clock_fit(p_clock_offset_info jsonb, p_data_from timestamp with time zone, p_data_to timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_fits(p_latest_us bigint, p_span bigint, p_earliest_us bigint, p_session_from_us bigint, p_session_to_us bigint, p_piece_from_us numeric, p_piece_to_us numeric, p_core_from_us numeric, p_core_to_us numeric, p_lags_live boolean, p_spread_live boolean, p_live_run boolean, p_margin bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_judge(p_at_us numeric[], p_offset_us numeric[], p_piece integer[], p_keep boolean[], p_lines datalinker.clock_line[], p_data_from timestamp with time zone, p_data_to timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_line(p_at_us numeric[], p_offset_us numeric[], p_start datalinker.clock_line) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_measurement_problem(p_points jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_measurements(p_points jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.clock_offset_us(p_clock_offset_info jsonb) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.clock_pieces(p_clock_offset_info jsonb, p_strict boolean, p_data_from timestamp with time zone, p_data_to timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.clock_report(p_session_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.clock_report(p_session_id text) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.clock_report(p_session_id text) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.clock_split(p_at_us numeric[], p_offset_us numeric[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.dead_letter(p_msg_id bigint, p_payload jsonb, p_read_ct integer, p_reason text, p_error text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.device_to_utc(p_device_us bigint, p_session_start timestamp with time zone, p_offset_ms_avg double precision, p_received_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.device_to_utc(p_device_us bigint, p_session_start timestamp with time zone, p_offset_ms_avg double precision, p_received_at timestamp with time zone) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.device_to_utc(p_device_us bigint, p_session_start timestamp with time zone, p_offset_ms_avg double precision, p_received_at timestamp with time zone) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.device_to_utc(p_device_us bigint, p_session_start timestamp with time zone, p_offset_ms_avg double precision, p_received_at timestamp with time zone) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.device_to_utc_model_us(p_device_us bigint, p_anchor_device_us bigint, p_session_start_us bigint, p_received_us bigint, p_skew_us bigint, p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.device_to_utc_us(p_device_us bigint, p_session_start_us bigint, p_offset_us bigint, p_received_us bigint, p_skew_us bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.device_to_utc_us(p_device_us bigint, p_session_start_us bigint, p_offset_us bigint, p_received_us bigint, p_skew_us bigint) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.device_to_utc_us(p_device_us bigint, p_session_start_us bigint, p_offset_us bigint, p_received_us bigint, p_skew_us bigint) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.device_to_utc_us(p_device_us bigint, p_session_start_us bigint, p_offset_us bigint, p_received_us bigint, p_skew_us bigint) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.doctor(p_unlinked_hours integer, p_max_queue_age_seconds integer, p_max_dead_tuples integer) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.doctor(p_unlinked_hours integer, p_max_queue_age_seconds integer, p_max_dead_tuples integer) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.doctor(p_unlinked_hours integer, p_max_queue_age_seconds integer, p_max_dead_tuples integer) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.end_session(p_session_id text, p_end_time timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.end_session(p_session_id text, p_end_time timestamp with time zone) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.enqueue_link(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.epoch_us(p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.epoch_us(p_ts timestamp with time zone) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.epoch_us(p_ts timestamp with time zone) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.epoch_us(p_ts timestamp with time zone) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.error_codes() FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.error_codes() TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.error_codes() TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.error_codes() TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.events_waiting() FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.events_waiting() TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.from_epoch_us(p_us bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.from_epoch_us(p_us bigint) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.from_epoch_us(p_us bigint) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.from_epoch_us(p_us bigint) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.is_iso_time_with_zone(p_text text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.is_transient(p_sqlstate text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.is_transient(p_sqlstate text) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.is_transient(p_sqlstate text) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.is_transient(p_sqlstate text) TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.link_chunks(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.link_media(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.link_session(p_session_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.link_session(p_session_id text) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.nearby_clocks(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.note_device_uploads() FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.offset_at_us(p_mean_offset_us numeric, p_mean_at_us numeric, p_slope numeric, p_at_us bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.partition_of(p_user_id text, p_mask integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.payload_problem(p_message jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.payload_problem(p_message jsonb) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.payload_problem(p_message jsonb) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.payload_problem(p_message jsonb) TO datalinker_session_manager;
GRANT SELECT ON TABLE public.raw_data_objects TO datalinker_readonly;
REVOKE ALL ON FUNCTION datalinker.pending_device_chunks(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.place_job(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.place_user(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.placement_state(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.placement_summary() FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.placement_summary() TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.placement_summary() TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.process_job(p_msg_id bigint, p_max_attempts integer) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.process_job(p_msg_id bigint, p_max_attempts integer) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.purge_amqp_inbox(p_older_than interval) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.purge_amqp_inbox(p_older_than interval) TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.purge_archive(p_older_than interval) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.purge_archive(p_older_than interval) TO datalinker_admin;
REVOKE ALL ON FUNCTION datalinker.queue_placements(p_user_ids text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.relink_session(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.reopen_decided() FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.requeue_dead(p_limit integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.require_clock_offset(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.retry_job(p_msg_id bigint, p_delay_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.retry_job(p_msg_id bigint, p_delay_seconds integer) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.run_link(p_session_id text, p_undo_first boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.segment_anchor(p_user_id text, p_data_type text, p_head_t0 bigint, p_tail_t1 bigint, p_span bigint, p_from_us bigint, p_to_us bigint, p_gap bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.segment_decision(p_user_id text, p_data_type text, p_anchor_t bigint, p_anchor_conflicting boolean, p_span bigint, p_bound bigint, p_lag_ref bigint, p_lead_ref bigint, p_lead_spread bigint, p_lead_length bigint, p_head_t0 bigint, p_head_dur bigint, p_first_rcv bigint, p_last_rcv bigint, p_sessions character varying[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[], p_delay bigint, p_live bigint, p_margin bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.segment_facts(p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[], p_rcv bigint[], p_skew bigint, p_live bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.segment_owners(p_status text, p_t bigint, p_span bigint, p_chosen_session character varying, p_chosen_piece integer, p_certain boolean, p_ids character varying[], p_received timestamp with time zone[], p_t0 bigint[], p_t1 bigint[], p_rel bigint[], p_dur bigint[], p_sessions character varying[], p_ended boolean[], p_s_us bigint[], p_e_us bigint[], p_clocks datalinker.clock_piece[], p_margin bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.session_chunks(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.session_clock_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.session_for_update(p_session_id text, p_require_ended boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.session_objects(p_session_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.session_objects(p_session_id text) TO datalinker_readonly;
REVOKE ALL ON FUNCTION datalinker.session_reach(p_user_id text, p_start timestamp with time zone, p_end timestamp with time zone) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.session_status(p_session_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.session_status(p_session_id text) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.session_status(p_session_id text) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.set_setting(p_name text, p_value bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.set_setting(p_name text, p_value bigint) TO datalinker_admin;
REVOKE ALL ON FUNCTION datalinker.setting(p_name text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.skew_us() FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.skew_us() TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.skew_us() TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.skew_us() TO datalinker_session_manager;
REVOKE ALL ON FUNCTION datalinker.status_report() FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.status_report() TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.status_report() TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.status_report() TO datalinker_bridge;
REVOKE ALL ON FUNCTION datalinker.store_session_clock(p_session_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.time_is_free(p_user_id text, p_data_type text, p_from_us bigint, p_to_us bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.unexpire(p_user_id text) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.unplaced_chunks(p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.unplaced_chunks(p_user_id text) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.unplaced_chunks(p_user_id text) TO datalinker_worker;
REVOKE ALL ON FUNCTION datalinker.user_timeline(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.user_timeline(p_user_id text, p_from timestamp with time zone, p_to timestamp with time zone) TO datalinker_readonly;
REVOKE ALL ON FUNCTION datalinker.utc_days(p_from_us bigint, p_to_us bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION datalinker.verify_derived(p_user_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.verify_derived(p_user_id text) TO datalinker_admin;
REVOKE ALL ON FUNCTION datalinker.wrap_us(p_us bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION datalinker.wrap_us(p_us bigint) TO datalinker_worker;
GRANT ALL ON FUNCTION datalinker.wrap_us(p_us bigint) TO datalinker_readonly;
GRANT ALL ON FUNCTION datalinker.wrap_us(p_us bigint) TO datalinker_session_manager;
GRANT SELECT ON TABLE datalinker.settings TO datalinker_worker;
GRANT SELECT ON TABLE datalinker.settings TO datalinker_readonly;
GRANT SELECT ON TABLE datalinker.settings TO datalinker_session_manager;
GRANT SELECT ON TABLE public.audio_clips TO datalinker_readonly;
GRANT SELECT ON TABLE public.experiments TO datalinker_readonly;
GRANT SELECT ON TABLE public.images TO datalinker_readonly;
-- pgmq queues: data_linker_dead_letter, data_linker_queue, event_correction_queue
