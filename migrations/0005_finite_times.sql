-- 0005 finite times: a chunk or session with an infinite time (or one beyond the year 9999) is refused at
-- insert, so one bad row can never fail another row's session. NOT VALID: rows already there are left as
-- they are (doctor reports them); every new or updated row is checked. Append-only.

ALTER TABLE public.raw_data_objects
    ADD CONSTRAINT raw_data_objects_times_finite
        CHECK (start_time IS NULL OR (isfinite(start_time) AND isfinite(end_time)
                                      AND created_at BETWEEN '1970-01-01+00' AND '9999-12-31+00')) NOT VALID,
    ADD CONSTRAINT raw_data_objects_created_at_finite CHECK (isfinite(created_at)) NOT VALID;

ALTER TABLE public.sessions
    ADD CONSTRAINT sessions_times_finite
        CHECK (isfinite(start_time) AND (end_time IS NULL OR isfinite(end_time))) NOT VALID;
