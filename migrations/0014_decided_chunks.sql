-- 0014 decided chunks (issue 21 item 1, DESIGN §3a): a device-time chunk whose time a placement pass decided
-- but that no session contains (live data between sessions) gets its UTC and leaves the pending set:
-- session_id NULL, start_time/end_time set, linked_by = 'placement' (the linker wrote its UTC; relink or a
-- session added or changed near it brings it back to pending). Decided chunks anchor later uploads by their ticks and
-- rule out placements over them, so the tick and time indexes cover every placed device-time chunk: linked, or
-- decided by the linker (never an unlinked row an uploader sent with UTC: it proves nothing about the stream).
-- Existing rows: pending ones are decided at their user's next pass, queued here. Append-only.
ALTER TABLE public.raw_data_objects DROP CONSTRAINT raw_data_objects_linked_by_needs_session,
    ADD CONSTRAINT raw_data_objects_linked_by_needs_session
        CHECK (linked_by IS NULL OR session_id IS NOT NULL OR (linked_by = 'placement' AND start_time_device IS NOT NULL));

DROP INDEX public.raw_data_objects_placed_end_tick_idx;
DROP INDEX public.raw_data_objects_placed_start_tick_idx;
DROP INDEX public.raw_data_objects_placed_time_idx;
CREATE INDEX raw_data_objects_placed_end_tick_idx ON public.raw_data_objects (user_id, data_type, end_time_device)
    WHERE start_time_device IS NOT NULL AND (session_id IS NOT NULL OR linked_by = 'placement');
CREATE INDEX raw_data_objects_placed_start_tick_idx ON public.raw_data_objects (user_id, data_type, start_time_device)
    WHERE start_time_device IS NOT NULL AND (session_id IS NOT NULL OR linked_by = 'placement');
CREATE INDEX raw_data_objects_placed_time_idx ON public.raw_data_objects (user_id, data_type, start_time)
    WHERE start_time_device IS NOT NULL AND (session_id IS NOT NULL OR linked_by = 'placement');
-- The UTC chunks a session links by overlap are the undecided ones (new devices'): decided chunks are brought
-- back to pending by a session near them instead, so they stay out of that (costly to write) GiST index.
DROP INDEX public.raw_data_objects_user_range_idx;
CREATE INDEX raw_data_objects_user_range_idx ON public.raw_data_objects USING gist (user_id, tstzrange(start_time, end_time))
    WHERE session_id IS NULL AND start_time IS NOT NULL AND linked_by IS NULL;
-- Decided chunks of a user by time: what a session added or changed near them brings back.
CREATE INDEX raw_data_objects_decided_idx ON public.raw_data_objects (user_id, start_time)
    WHERE session_id IS NULL AND linked_by = 'placement';

DO $$
BEGIN
    PERFORM pgmq.send('data_linker_queue', jsonb_build_object('user_id', u.user_id))
    FROM (SELECT DISTINCT r.user_id FROM public.raw_data_objects r
          WHERE r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM datalinker.placement_requests q WHERE q.user_id = r.user_id)) u;
    INSERT INTO datalinker.placement_requests (user_id)
    SELECT DISTINCT r.user_id FROM public.raw_data_objects r
    WHERE r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL
    ON CONFLICT (user_id) DO NOTHING;
END
$$;
