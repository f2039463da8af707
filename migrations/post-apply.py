"""Re-create every function and view of schema datalinker from sql/ (runs after every migrate).

Each database object has exactly one source file under sql/; CREATE OR REPLACE makes this
step repeatable. See datalinker/sqlsource.py for the order.
"""

from yoyo import step

from datalinker.sqlsource import apply_sql_dir

steps = [step(apply_sql_dir)]
