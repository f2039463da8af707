-- 0016 tick indexes by UTC day (issue 21, DESIGN §3a): the placed chunks' tick indexes are keyed by user, type,
-- UTC day and tick instead of user, type and tick. A device counter wraps every 71.6 min, so by ticks alone a
-- user's new chunks land between the entries of every earlier wrap of all their history (after 30 days a
-- chunk's neighbours in the index are ~200 wraps old): each write touched other leaf pages than the one before,
-- and that cost grew with the history. By day first, a day's chunks go into that day's part of the index, as a
-- new user's do. The anchors' lookups (segment_anchor) read one tick range per day of their window (the upload
-- window), which also stops them from reading a user's whole history at the same ticks. Existing rows: the
-- indexes are rebuilt. Append-only.
DROP INDEX public.raw_data_objects_placed_end_tick_idx;
DROP INDEX public.raw_data_objects_placed_start_tick_idx;
CREATE INDEX raw_data_objects_placed_end_tick_idx
    ON public.raw_data_objects (user_id, data_type, ((end_time AT TIME ZONE 'UTC')::date), end_time_device)
    WHERE start_time_device IS NOT NULL AND (session_id IS NOT NULL OR linked_by = 'placement');
CREATE INDEX raw_data_objects_placed_start_tick_idx
    ON public.raw_data_objects (user_id, data_type, ((start_time AT TIME ZONE 'UTC')::date), start_time_device)
    WHERE start_time_device IS NOT NULL AND (session_id IS NOT NULL OR linked_by = 'placement');
