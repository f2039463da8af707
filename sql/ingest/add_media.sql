-- datalinker.add_media: stores images (p_kind 'image') or audio clips (p_kind 'audio') given as parallel arrays; an object already stored is skipped; returns how many were new.
CREATE OR REPLACE FUNCTION datalinker.add_media(p_kind text, p_user_id text[], p_object_id text[], p_session_id text[],
                                                p_captured_at timestamptz[], p_duration_ms integer[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count integer;
BEGIN
    IF cardinality(p_user_id) IS DISTINCT FROM cardinality(p_object_id)
       OR cardinality(p_session_id) IS DISTINCT FROM cardinality(p_object_id)
       OR cardinality(p_captured_at) IS DISTINCT FROM cardinality(p_object_id)
       OR cardinality(p_duration_ms) IS DISTINCT FROM cardinality(p_object_id) THEN
        RAISE EXCEPTION 'add_media: every array must have the elements of p_object_id'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'image' THEN
        INSERT INTO public.images (object_id, user_id, session_id, captured_at)
        SELECT o, u, s, c FROM unnest(p_object_id, p_user_id, p_session_id, p_captured_at) x(o, u, s, c)
        ON CONFLICT (object_id) DO NOTHING;
    ELSIF p_kind = 'audio' THEN
        INSERT INTO public.audio_clips (object_id, user_id, session_id, captured_at, duration_ms)
        SELECT * FROM unnest(p_object_id, p_user_id, p_session_id, p_captured_at, p_duration_ms)
        ON CONFLICT (object_id) DO NOTHING;
    ELSE
        RAISE EXCEPTION 'p_kind % is neither ''image'' nor ''audio''', coalesce(quote_literal(p_kind), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION datalinker.add_media(text, text[], text[], text[], timestamptz[], integer[]) IS $doc$Images (`p_kind` `'image'`, duration ignored) or audio clips (`'audio'`) as parallel arrays, one element per item; re-sent `object_id`s are skipped; returns how many were new. A PL/Proxy proxy SPLITs the arrays by user.

Example: `SELECT datalinker.add_media('image', ARRAY['u1'], ARRAY['img/1'], ARRAY['s-1'], ARRAY[now()], ARRAY[NULL::int]);`$doc$;
