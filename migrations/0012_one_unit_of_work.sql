-- 0012 one unit of work (issue 21, DESIGN §5): a placement request is a job {"user_id": …} on data_linker_queue,
-- claimed, leased, retried and dead-lettered like a session job, and announced the same way. The request row
-- stays as the mark "a placement of this user is queued" (one job per user, not per upload).
-- Requests open at the upgrade become jobs; last_error goes (a failing placement is dead-lettered with its error).
-- Append-only: never edit once landed.
DO $$
BEGIN
    PERFORM pgmq.send('data_linker_queue', jsonb_build_object('user_id', r.user_id))
    FROM datalinker.placement_requests r
    ORDER BY r.requested_at, r.user_id;
END
$$;

ALTER TABLE datalinker.placement_requests DROP COLUMN last_error;
