-- datalinker.link_session: the whole DataLinker job for one ended session in the caller's transaction — processing → place the user's device-time chunks (exact UTC), link overlapping UTC chunks and media → completed; on a data error its own work is undone and the session is failed with the reason.
CREATE OR REPLACE FUNCTION datalinker.link_session(p_session_id text)
RETURNS SETOF datalinker.link_result
LANGUAGE sql
SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM datalinker.run_link(p_session_id, false)
$$;

COMMENT ON FUNCTION datalinker.link_session(text) IS $doc$The whole job of DESIGN §4 in the caller's transaction: marks the session `processing`, places the user's pending device-time chunks (`place_user`: exact UTC, or left unlinked with a reason, see `chunk_placements`), links every unlinked UTC chunk of the user that overlaps `[start_time, end_time)` and that the session owns (owner rule), fills `experiment_id` of the session's images and audio clips where NULL (`link_media`), marks it `completed` and sets `linked_at`. Safe to re-run.

- Result (`datalinker.link_result`): `objects_converted` = chunks this call placed in this session; `media_linked` = media rows this call set; `objects_linked` = objects linked to the session after the call (new-device rows included); `objects_ambiguous` = chunks left ambiguous with this session among their candidates. Placing is per user, so a call may also place late chunks of the user's other ended sessions.
- Errors: `DL001` unknown session and `DL002` not ended raise (status unchanged). A data error (e.g. `DL003`, `DL006`, a constraint violation) does not raise: the call's own work is rolled back to a savepoint, the session becomes `failed` with `link_error = '<SQLSTATE>: <message> (<detail>)'` and the row comes back with `link_status = 'failed'`. Errors for which `is_transient` is true are re-raised, so a held lock leads to a retry, never to `failed`.
- Locking: the session row `FOR NO KEY UPDATE`; a transaction advisory lock per user while placing (two placements of one user run one after the other); row locks on the chunks it links. New chunks can still be inserted (their FK checks take `FOR KEY SHARE`).

Example: `SELECT * FROM datalinker.link_session('s-1');`$doc$;
