"""What the journey queries share: the cohorts, the cuts, the SQL they are built from, disclosure of cut rows.

Cohort and cut names come from the fixed lists here, never from user text; the period and the
chosen groups reach DuckDB as bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, query_sql
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.periods import Period

MIN_PEOPLE_FOR_DAYS = 10  # a median of fewer people says more about the people than the service
ALL_IN_SELECTION = "All in selection"


class UnknownCohort(ValueError):
    """A cohort name the journey view does not define."""


class UnknownCut(ValueError):
    """A cut the journey view cannot compare by."""


@dataclass(frozen=True)
class Cohort:
    name: str
    label: str
    entry: str  # what the entry event is, in words
    people: str  # who the members are, in words


COHORTS = {
    cohort.name: cohort
    for cohort in (
        Cohort("incident", "Victims with a police-reported incident", "incident reported to police", "victims"),
        Cohort("high_risk", "Victims of high-risk incidents", "high-risk incident reported to police", "victims"),
        Cohort("children", "Children in incidents notified to a school", "incident the child was linked to", "children"),
        Cohort("marac", "Victims heard at MARAC", "MARAC hearing", "victims"),
    )
}

# cut name -> (column in the journey marts, label)
CUTS = {
    "ward": ("ward_code", "Ward"),
    "sex": ("sex", "Sex"),
    "age_band": ("age_band", "Age band"),
    "ethnicity": ("ethnicity", "Ethnic group"),
}


def cohort_of(name: str) -> Cohort:
    if name not in COHORTS:
        raise UnknownCohort(f"unknown cohort {name!r}; choose one of {', '.join(COHORTS)}")
    return COHORTS[name]


def group_expression(by: str | None) -> str:
    """The SQL expression naming each row's group: a fixed column, or one group for everyone."""
    if by is None:
        return f"'{ALL_IN_SELECTION}'"
    if by not in CUTS:
        raise UnknownCut(f"journeys cannot be compared by {by!r}; choose one of {', '.join(CUTS)}")
    return CUTS[by][0]


def journey_sql(name: str, *, groups: GroupFilters, by: str | None = None) -> str:
    """A journey query with the steps' seconds, its cohort and group expression put in (all from fixed files and lists).

    With no group chosen, each person's first entry in the period is a plain filter on the mart, so a
    query may read it again for each of its parts (`not materialized`); with groups, it is the first
    of the person's entries in them, found once (`materialized`) for all the parts.
    """
    if groups.applied():
        cohort, materialization = query_sql("journey_cohort_in_groups"), "materialized"
    else:
        cohort, materialization = query_sql("journey_cohort"), "not materialized"
    return (
        query_sql(name)
        .replace("{step_seconds}", query_sql("_journey_step_seconds"))
        .replace("{cohort_materialization}", materialization)
        .replace("{cohort}", cohort)
        .replace("{group_expression}", group_expression(by))
    )


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    period: Period,
    groups: GroupFilters,
    cohort: str | None = None,
    measure: str | None = None,
) -> pl.DataFrame:
    parameters = {"cohort": cohort, "measure": measure, "start": period.start, "end": period.end, **groups.as_parameters()}
    return con.sql(sql, params={name: value for name, value in parameters.items() if f"${name}" in sql}).pl()


def ward_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.sql("select ward_code, ward_name from mart_wards").fetchall())


def cut_labels(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """Adds `group_label`: the ward's name for ward cuts, else the value itself in words, capitalised as the
    other pages write it ("Female", "Asian")."""
    names = ward_names(con) if by == "ward" else {}
    value = pl.col("group_value")
    in_words = value.str.slice(0, 1).str.to_uppercase() + value.str.slice(1)
    return frame.with_columns(group_label=value.replace_strict(names, default=in_words, return_dtype=pl.String))


def protect_cut_rows(
    frame: pl.DataFrame, *, rule: DisclosureRule, district: bool, group_columns: list[str], **columns
) -> pl.DataFrame:
    """Disclosure control for cut rows that add up to an `is_total` row in each `group_columns` group.

    A district total is published as it is; a total that is itself a slice (one ward, one group) is
    protected like any cell. The cut rows are then protected against their total, so no hidden cut
    can be worked out by subtracting the others from it.
    """
    is_total = pl.col("is_total")
    totals = frame.filter(is_total).with_columns(level=pl.lit("district" if district else "sub-district"))
    protected_totals = protect_frame(totals, rule=rule, level_column="level", **columns)
    marked = frame.with_columns(level=pl.when(is_total).then(pl.lit("district")).otherwise(pl.lit("sub-district")))
    protected = protect_frame(marked, rule=rule, level_column="level", group_columns=group_columns, **columns)
    return pl.concat([protected_totals, protected.filter(~is_total)]).drop("level")
