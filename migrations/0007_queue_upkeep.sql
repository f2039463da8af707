-- 0007 queue upkeep: autovacuum tuned for high-churn queue tables. Every job inserts, updates (read: vt,
-- read_ct) and deletes one row of pgmq.q_data_linker_queue and inserts into event_correction_queue, so the
-- tables are small but leave a dead tuple per change. The default trigger (50 rows + 20 % of the table) lets
-- dead tuples pile up once a backlog has grown the table, and every pgmq.read then walks them; a fixed
-- threshold of 1,000 changes, no cost delay (the tables are small: vacuum is quick) and frequent analyze keep
-- reads an index probe. Archive tables only grow: vacuum after inserts, retention via datalinker.purge_archive.
-- Append-only.
DO $$
DECLARE
    v_queue text;
BEGIN
    FOREACH v_queue IN ARRAY ARRAY['data_linker_queue', 'event_correction_queue', 'data_linker_dead_letter'] LOOP
        EXECUTE format('ALTER TABLE pgmq.%I SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,'
                       ' autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000,'
                       ' autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000,'
                       ' autovacuum_vacuum_cost_delay = 0)', 'q_' || v_queue);
        EXECUTE format('ALTER TABLE pgmq.%I SET (autovacuum_vacuum_insert_scale_factor = 0,'
                       ' autovacuum_vacuum_insert_threshold = 10000)', 'a_' || v_queue);
    END LOOP;
END
$$;
