-- datalinker.add_chunks: stores uploaded chunks given as parallel arrays (one statement, so one upload for the placement trigger); a chunk already stored (same object_id) is skipped; returns how many were new.
CREATE OR REPLACE FUNCTION datalinker.add_chunks(p_user_id text[], p_object_id text[], p_session_id text[],
                                                 p_start_time timestamptz[], p_end_time timestamptz[],
                                                 p_start_time_device bigint[], p_end_time_device bigint[],
                                                 p_data_type text[], p_received_at timestamptz[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_n integer := cardinality(p_object_id);
    v_count integer;
BEGIN
    IF v_n IS NULL OR cardinality(p_user_id) IS DISTINCT FROM v_n OR cardinality(p_session_id) IS DISTINCT FROM v_n
       OR cardinality(p_start_time) IS DISTINCT FROM v_n OR cardinality(p_end_time) IS DISTINCT FROM v_n
       OR cardinality(p_start_time_device) IS DISTINCT FROM v_n OR cardinality(p_end_time_device) IS DISTINCT FROM v_n
       OR cardinality(p_data_type) IS DISTINCT FROM v_n OR cardinality(p_received_at) IS DISTINCT FROM v_n THEN
        RAISE EXCEPTION 'add_chunks: every array must have the % elements of p_object_id', coalesce(v_n::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, start_time_device,
                                         end_time_device, data_type, created_at)
    SELECT * FROM unnest(p_object_id, p_user_id, p_session_id, p_start_time, p_end_time, p_start_time_device,
                         p_end_time_device, p_data_type, p_received_at)
    ON CONFLICT (object_id) DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.add_chunks(text[], text[], text[], timestamptz[], timestamptz[], bigint[], bigint[], text[], timestamptz[]) IS $doc$The Processor's upload as parallel arrays, one element per chunk, in one statement (legacy devices: ticks and NULL times; new devices: UTC times and `session_id`). Re-sent `object_id`s are skipped; returns how many were new. A PL/Proxy proxy SPLITs the arrays by user.

Example: `SELECT datalinker.add_chunks(ARRAY['u1'], ARRAY['raw/u1/1'], ARRAY[NULL], ARRAY[NULL::timestamptz], ARRAY[NULL::timestamptz], ARRAY[1738693118], ARRAY[1739693118], ARRAY['eeg'], ARRAY[now()]);`$doc$;
