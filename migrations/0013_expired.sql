-- 0013 expired (issue 21, DESIGN §3a): waiting data past the upload window leaves the pending set. A placement
-- pass marks a chunk that is still waiting when its user's newest session started more than max_upload_delay_us
-- after the chunk's upload (no session can take it any more): expired_at is set, unplaced_chunks shows reason
-- 'expired', no pass reads it again; datalinker.unexpire (or relink_session for the user) brings it back.
-- The pending index excludes expired rows, so history that can no longer be placed costs no pass anything.
-- Existing rows: a waiting chunk is marked at its user's next pass. Append-only: never edit once landed.
ALTER TABLE public.raw_data_objects ADD COLUMN expired_at timestamptz,
    ADD CONSTRAINT raw_data_objects_expired_only_unlinked CHECK (expired_at IS NULL OR (session_id IS NULL AND start_time IS NULL));

DROP INDEX public.raw_data_objects_pending_device_idx;
CREATE INDEX raw_data_objects_pending_device_idx ON public.raw_data_objects (user_id, created_at)
    WHERE session_id IS NULL AND start_time IS NULL AND expired_at IS NULL;
CREATE INDEX raw_data_objects_expired_idx ON public.raw_data_objects (user_id, created_at)
    WHERE expired_at IS NOT NULL;
