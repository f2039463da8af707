-- datalinker.place_user: links every pending device-time chunk of a user that chunk_placements places (and stores the UTC of those it decides outside every session), repeating while a round places something and left chunks ambiguous or waiting (a placed segment can settle another); returns per session how many chunks it got and how many are left ambiguous with it as a candidate.
-- Serialised per user (transaction advisory lock), so two passes never place around each other. Clears
-- the user's placement request first: rows committed after that request their own pass.
CREATE OR REPLACE FUNCTION datalinker.place_user(p_user_id text)
RETURNS TABLE (session_id varchar, placed integer, ambiguous integer)
LANGUAGE plpgsql
SET jit = off
-- Its UPDATE hashes the placements against the user's pending rows, read once by the pending index whatever the
-- statistics: custom plans either scanned the whole table or, with no statistics, walked the user's rows once per
-- chunk (quadratic); a lookup by primary key per chunk cost twice the hash; a plain index scan, not a bitmap, marks
-- the index entries of rows no longer pending dead (docs/design-notes.md, "Planner settings on the linker").
SET plan_cache_mode = force_generic_plan
SET enable_nestloop = off
SET enable_seqscan = off
SET enable_bitmapscan = off
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_ids        varchar[];
    v_sessions   varchar[];
    v_starts     timestamptz[];
    v_ends       timestamptz[];
    v_ambiguous  varchar[];
    v_placed     varchar[] := '{}'::varchar[];
    v_round      integer := 0;
    v_undecided  integer;
    v_expiring   varchar[];
    v_horizon    timestamptz;  -- uploads before this can no longer be placed: the user's newest session is too late
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('datalinker.place_user'), hashtext(p_user_id));
    DELETE FROM datalinker.placement_requests r WHERE r.user_id = p_user_id;
    SELECT max(s.start_time) - datalinker.setting('max_upload_delay_us') * interval '1 microsecond' INTO v_horizon
      FROM public.sessions s WHERE s.user_id = p_user_id;
    LOOP
        v_round := v_round + 1;
        SELECT array_agg(c.object_id) FILTER (WHERE k.decided),
               array_agg(c.session_id) FILTER (WHERE k.decided),
               array_agg(c.start_time) FILTER (WHERE k.decided),
               array_agg(c.end_time) FILTER (WHERE k.decided),
               array_agg(s.candidate) FILTER (WHERE c.status = 'ambiguous'),
               count(DISTINCT c.object_id) FILTER (WHERE c.status IN ('ambiguous', 'waiting')),
               array_agg(c.object_id) FILTER (WHERE c.status = 'waiting' AND c.received_at < v_horizon)
          INTO v_ids, v_sessions, v_starts, v_ends, v_ambiguous, v_undecided, v_expiring
          FROM datalinker.chunk_placements(p_user_id) c
          CROSS JOIN LATERAL (SELECT c.status IN ('placed', 'outside_sessions') AND c.start_time IS NOT NULL AS decided) k
          -- a one-time filter: only an ambiguous chunk's candidates are unnested
          LEFT JOIN LATERAL (SELECT a.candidate FROM unnest(c.candidate_sessions) AS a(candidate)
                             WHERE c.status = 'ambiguous') s ON true;
        EXIT WHEN v_ids IS NULL OR v_round > 10;
        WITH linked AS (
            UPDATE public.raw_data_objects r
               SET start_time = u.start_time, end_time = u.end_time, session_id = u.session_id,
                   linked_by = 'placement'
              FROM unnest(v_ids, v_sessions, v_starts, v_ends) AS u(object_id, session_id, start_time, end_time)
             WHERE r.object_id = u.object_id AND r.user_id = p_user_id
               AND r.session_id IS NULL AND r.start_time IS NULL AND r.expired_at IS NULL  -- still pending
            RETURNING u.session_id
        )
        SELECT v_placed || coalesce(array_agg(linked.session_id) FILTER (WHERE linked.session_id IS NOT NULL), '{}')
          INTO v_placed FROM linked;
        -- Another round can only settle chunks left ambiguous or waiting (a collision, a new anchor).
        EXIT WHEN v_undecided = 0;
    END LOOP;
    -- Waiting past the upload window (DESIGN §3a): expired, never read by a pass again (statuses of a round that
    -- placed nothing are final; unexpire or relink_session bring them back).
    IF v_ids IS NULL AND v_expiring IS NOT NULL THEN
        UPDATE public.raw_data_objects r SET expired_at = now()
         WHERE r.object_id = ANY (v_expiring)
           AND r.session_id IS NULL AND r.start_time IS NULL;
    END IF;
    RETURN QUERY
    SELECT x.session_id, count(*) FILTER (WHERE x.kind = 'placed')::integer,
           count(*) FILTER (WHERE x.kind = 'ambiguous')::integer
    FROM (SELECT p.s AS session_id, 'placed' AS kind FROM unnest(v_placed) AS p(s)
          UNION ALL
          SELECT a.s, 'ambiguous' FROM unnest(v_ambiguous) AS a(s)) x
    GROUP BY x.session_id;
END;
$$;

COMMENT ON FUNCTION datalinker.place_user(text) IS $doc$Links every chunk `chunk_placements` places (exact UTC, `session_id`, `linked_by = 'placement'`) and stores every chunk it decides outside all sessions (`outside_sessions`: UTC, `session_id` NULL, `linked_by = 'placement'`; no pass reads it again until a session near it is added or changed), repeating while a round places something (a placed segment can rule out another's candidate); deletes the user's placement request first. A chunk still waiting after the last round whose upload lies more than `max_upload_delay_us` before the start of the user's newest session is marked `expired_at` (reason `expired`): no pass reads it again until `unexpire` or `relink_session`. Takes `pg_advisory_xact_lock(hashtext('datalinker.place_user'), hashtext(user_id))`. Part of `link_session` and `place_job`.

Example: `SELECT * FROM datalinker.place_user('u1');`$doc$;
