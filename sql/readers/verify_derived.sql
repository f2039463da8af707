-- datalinker.verify_derived: rebuilds the stored derived data from the raw rows and returns every difference (no rows: all agree) — each ended session's clock pieces, and each user's placements (placing all of the user's device-time chunks at once never contradicts what the passes stored). Changes nothing.
-- The placements are rebuilt in a subtransaction that is rolled back: the user's session clocks are fitted again,
-- the rows placed or expired by the linker go back to pending, place_user runs once, the result is compared.
CREATE OR REPLACE FUNCTION datalinker.verify_derived(p_user_id text DEFAULT NULL)
RETURNS TABLE (kind text, item text, stored text, rebuilt text)
LANGUAGE plpgsql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_undo   constant text := 'datalinker.verify_derived: undo the rebuild';
    v_user   text;
    v_stored jsonb;
    v_built  jsonb;
BEGIN
    RETURN QUERY
    WITH stored AS (
        SELECT c.session_id, c.piece, jsonb_build_array(c.from_us, c.to_us, c.first_at_us, c.last_at_us,
                                                        c.mean_offset_us, c.mean_at_us, c.slope) AS line
        FROM datalinker.session_clocks c JOIN public.sessions s ON s.session_id = c.session_id
        WHERE p_user_id IS NULL OR s.user_id = p_user_id
    ), built AS (
        SELECT s.session_id, m.piece, jsonb_build_array(m.from_us, m.to_us, m.first_at_us, m.last_at_us,
                                                        m.mean_offset_us, m.mean_at_us, m.slope) AS line
        FROM public.sessions s
        CROSS JOIN LATERAL datalinker.clock_pieces(s.clock_offset_info, false, s.start_time, s.end_time) m
        WHERE s.end_time IS NOT NULL AND (p_user_id IS NULL OR s.user_id = p_user_id)
    )
    SELECT 'session_clock', coalesce(a.session_id, b.session_id) || ' piece ' || coalesce(a.piece, b.piece),
           a.line::text, b.line::text
    FROM stored a FULL JOIN built b ON b.session_id = a.session_id AND b.piece = a.piece
    WHERE a.line IS DISTINCT FROM b.line;

    FOR v_user IN
        SELECT DISTINCT r.user_id FROM public.raw_data_objects r
        WHERE r.start_time_device IS NOT NULL AND (p_user_id IS NULL OR r.user_id = p_user_id)
        ORDER BY 1
    LOOP
        v_stored := datalinker.placement_state(v_user);
        BEGIN
            PERFORM datalinker.store_session_clock(s.session_id) FROM public.sessions s WHERE s.user_id = v_user;
            UPDATE public.raw_data_objects r
               SET session_id = NULL, start_time = NULL, end_time = NULL, linked_by = NULL, expired_at = NULL
             WHERE r.user_id = v_user AND (r.linked_by = 'placement' OR r.expired_at IS NOT NULL);
            PERFORM datalinker.place_user(v_user);
            v_built := datalinker.placement_state(v_user);
            RAISE EXCEPTION '%', c_undo;
        EXCEPTION WHEN raise_exception THEN
            IF SQLERRM <> c_undo THEN
                RAISE;
            END IF;
        END;
        RETURN QUERY
        SELECT 'placement', coalesce(a.key, b.key), a.value::text, b.value::text
        FROM jsonb_each(v_stored) a FULL JOIN jsonb_each(v_built) b ON b.key = a.key
        WHERE a.value IS DISTINCT FROM b.value
          -- passes that saw the chunks arrive may decide more than one look at all of them: a stream whose live
          -- part is stored and whose buffered part followed it fits no single rule as a whole
          AND NOT (b.value = '[null, null, null, false]'::jsonb AND a.value ->> 1 IS NOT NULL);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION datalinker.verify_derived(text) IS $doc$Checks the stored derived data against a rebuild from the raw rows, for one user or all (NULL): `session_clock` rows where `datalinker.session_clocks` differs from `clock_pieces` of the session's `clock_offset_info`; `placement` rows (`item` = object_id, `stored`/`rebuilt` = `[session_id, start_time, end_time, expired]`) where what the passes stored differs from placing all of the user's device-time chunks at once (its clocks fitted again, its rows placed or expired by the linker back to pending, one `place_user`, rolled back) — except a chunk the passes decided that the single look leaves pending: passes that saw a stream arrive can tie its buffered part to its stored live part, which no rule places as one whole. No rows: everything agrees. Changes nothing. CLI: `datalinker doctor --verify [--user U]` (exit 1 on any difference).

Example: `SELECT * FROM datalinker.verify_derived('u1');`$doc$;
