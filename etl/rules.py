"""The rules the SQL shares, declared once: DuckDB macros defined in the warehouse at refresh.

`etl/sql/rules.sql` holds scalar macros (a period's mid-year, the population year it divides by,
the child age bands) and is run before the marts, which use them. `etl/sql/rules_on_marts.sql`
holds table macros over marts (the expected victims over a period); DuckDB checks a table macro's
tables when it is defined, so it is run after the marts. DuckDB stores macros in the database file,
so read-only connections to a published warehouse see them.
"""

from __future__ import annotations

from importlib import resources

import duckdb

RULES = "rules"
RULES_ON_MARTS = "rules_on_marts"


def rules_sql(name: str) -> str:
    return resources.files("etl").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def define_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Define (or redefine) the scalar rules: before the marts are built."""
    con.execute(rules_sql(RULES))


def define_rules_on_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Define (or redefine) the table rules over marts: once the marts they read are built."""
    con.execute(rules_sql(RULES_ON_MARTS))
