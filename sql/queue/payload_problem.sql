-- datalinker.payload_problem: why a data_linker_queue payload is unusable, or NULL when it is a JSON object with a non-empty string session_id.
CREATE OR REPLACE FUNCTION datalinker.payload_problem(p_message jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_message IS NULL THEN 'payload is NULL'
        WHEN jsonb_typeof(p_message) <> 'object' THEN 'payload is a JSON ' || jsonb_typeof(p_message) || ', not an object'
        WHEN p_message ? 'session_id' AND p_message ? 'user_id' THEN 'payload has both "session_id" and "user_id"'
        WHEN NOT p_message ? 'session_id' AND NOT p_message ? 'user_id' THEN 'payload has no "session_id" key'
        WHEN jsonb_typeof(p_message -> k.key) <> 'string'
            THEN '"' || k.key || '" is a JSON ' || jsonb_typeof(p_message -> k.key) || ', not a string'
        WHEN p_message ->> k.key = '' THEN '"' || k.key || '" is empty'
    END
    FROM (SELECT CASE WHEN jsonb_typeof(p_message) = 'object' AND p_message ? 'user_id' THEN 'user_id'
                      ELSE 'session_id' END AS key) k
$$;

COMMENT ON FUNCTION datalinker.payload_problem(jsonb) IS $doc$NULL for a valid job payload, a session job `{"session_id": "<non-empty string>"}` or a placement job `{"user_id": "<non-empty string>"}`, else the reason it is not.

Example: `SELECT datalinker.payload_problem('{"session_id": 7}');`$doc$;
