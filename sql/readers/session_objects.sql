-- datalinker.session_objects: all raw data objects linked to a session, in time order (index raw_data_objects_session_idx).
CREATE OR REPLACE FUNCTION datalinker.session_objects(p_session_id text)
RETURNS SETOF public.raw_data_objects
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT r.*
    FROM public.raw_data_objects r
    WHERE r.session_id = p_session_id
    ORDER BY r.start_time
$$;

COMMENT ON FUNCTION datalinker.session_objects(text) IS $doc$The seed's "all objects of session S in time order" (the BIDS exporter): one range scan of `raw_data_objects_session_idx`.

Example: `SELECT object_id, start_time FROM datalinker.session_objects('s-1');`$doc$;
