-- datalinker.add_experiment: creates an experiment with the given id (idempotent: the same id again changes nothing); returns true when new. Lets a proxy create it on every shard with one id.
CREATE OR REPLACE FUNCTION datalinker.add_experiment(p_experiment_id uuid, p_name text, p_description text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_experiment_id IS NULL OR coalesce(p_name, '') = '' THEN
        RAISE EXCEPTION 'experiment_id % and name % must both be given', coalesce(p_experiment_id::text, 'NULL'),
            coalesce(quote_literal(p_name), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO public.experiments (experiment_id, name, description) VALUES (p_experiment_id, p_name, p_description)
    ON CONFLICT (experiment_id) DO NOTHING;
    RETURN FOUND;
END;
$$;

COMMENT ON FUNCTION datalinker.add_experiment(uuid, text, text) IS $doc$Creates an experiment, idempotent by id: true when created, false when that id exists already. On a proxy it is created on every shard with the same id.

Example: `SELECT datalinker.add_experiment('6f1c…'::uuid, 'sleep study');`$doc$;
