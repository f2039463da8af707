"""Re-create every function and view of schema datalinker from sql/ (runs after every migrate), then rebuild
the stored derived data from the raw rows (the session clocks): an upgrade backfills it, and a changed
clock fit takes effect everywhere.

Each database object has exactly one source file under sql/; CREATE OR REPLACE makes this
step repeatable. See datalinker/sqlsource.py for the order.
"""

from yoyo import step

from datalinker.sqlsource import apply_sql_dir

steps = [step(apply_sql_dir),
         step("DO $$ BEGIN PERFORM datalinker.store_session_clock(NULL); END $$")]
