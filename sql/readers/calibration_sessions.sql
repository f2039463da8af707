-- datalinker.calibration_sessions: all calibration sessions of a user in an experiment, by start time (index sessions_user_experiment_type_idx).
CREATE OR REPLACE FUNCTION datalinker.calibration_sessions(p_user_id text, p_experiment_id uuid)
RETURNS SETOF public.sessions
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT s.*
    FROM public.sessions s
    WHERE s.user_id = p_user_id
      AND s.experiment_id = p_experiment_id
      AND s.session_type = 'calibration'
    ORDER BY s.start_time
$$;

COMMENT ON FUNCTION datalinker.calibration_sessions(text, uuid) IS $doc$The seed's "all calibration sessions of user A in experiment B", by start time: one lookup of the index `sessions_user_experiment_type_idx`.

Example: `SELECT session_id, start_time FROM datalinker.calibration_sessions('user-001', '…');`$doc$;
