"""The journey mart's precomputed entry order and the page queries built on it agree, on the sample
district, with the plain definitions they stand in for: a person's first entry in a period by
ranking their entries, and each step's people and medians counted over everyone at once."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.aggregate import GroupFilters, query_sql
from metrics.journeys import COHORTS
from metrics.journeys.common import journey_sql, run
from metrics.periods import between, financial_year, quarter

PERIODS = [quarter(2025, 2), financial_year(2024), between(date(2020, 9, 30), date(2026, 9, 30))]

# each step: (event in whole seconds after the entry, the step before it), as journey_steps.sql defines them
STEPS = {
    "marac": (pl.col("seconds_to_marac"), "entry"),
    "referred": (pl.col("seconds_to_referral"), "entry"),
    "support_started": (pl.col("seconds_to_support_start"), "referred"),
    "support_completed": (
        pl.when(pl.col("support_end_reason") == "completed").then(
            pl.coalesce("seconds_to_support_end", "seconds_to_support_start")
        ),
        "support_started",
    ),
    "support_disengaged": (
        pl.when(pl.col("support_end_reason") == "disengaged").then(
            pl.coalesce("seconds_to_support_end", "seconds_to_support_start")
        ),
        "support_started",
    ),
    "crime_recorded": (pl.col("seconds_to_crime"), "entry"),
    "arrested": (pl.col("seconds_to_arrest"), "crime_recorded"),
    "charge_decided": (
        pl.when(pl.col("charge_decision").is_in(["charged", "no_further_action", "out_of_court"])).then(
            pl.col("seconds_to_charge_decision")
        ),
        "crime_recorded",
    ),
    "charged": (pl.when(pl.col("charge_decision") == "charged").then(pl.col("seconds_to_charge_decision")), "charge_decided"),
    "court_outcome": (
        pl.when(
            (pl.col("charge_decision") == "charged")
            & pl.col("court_outcome").is_in(["convicted", "acquitted", "discontinued", "dismissed"])
        ).then(pl.col("seconds_to_court_outcome")),
        "charged",
    ),
    "convicted": (
        pl.when((pl.col("charge_decision") == "charged") & (pl.col("court_outcome") == "convicted")).then(
            pl.col("seconds_to_court_outcome")
        ),
        "court_outcome",
    ),
    "repeat_incident": (pl.col("seconds_to_repeat_incident"), "entry"),
    "school_notified": (pl.col("seconds_to_school_notice"), "entry"),
    "mash_contact": (pl.col("seconds_to_mash_contact"), "school_notified"),
    "mash_decided": (
        pl.when(pl.col("mash_decision").is_not_null() & (pl.col("mash_decision") != "pending")).then(
            pl.col("seconds_to_mash_decision")
        ),
        "mash_contact",
    ),
}


def ranked_first_entries(con, cohort: str, period, **where: str) -> set[str]:
    """Each person's first entry in the period (and groups), by ranking all their entries in it."""
    conditions = "".join(f" and {column} = ${column}" for column in where)
    return {
        row[0]
        for row in con.execute(
            f"""select entry_id from mart_journey_people
            where cohort = $cohort and entry_on between $start and $end{conditions}
            qualify row_number() over (partition by person_id order by entry_at, entry_id) = 1""",
            {"cohort": cohort, "start": period.start, "end": period.end, **where},
        ).fetchall()
    }


def cohort_entries(con, cohort: str, period, groups: GroupFilters) -> set[str]:
    name = "journey_cohort_in_groups" if groups.applied() else "journey_cohort"
    frame = run(con, f"select entry_id from ({query_sql(name)})", period=period, groups=groups, cohort=cohort)
    return set(frame["entry_id"])


def test_the_mart_orders_each_persons_entries(sample_warehouse):
    mismatched = sample_warehouse.execute(
        """select count(*) from (
               select previous_entry_on,
                      lag(entry_on) over (partition by cohort, person_id order by entry_at, entry_id) as ranked
               from mart_journey_people)
           where previous_entry_on is distinct from ranked"""
    ).fetchone()[0]
    assert mismatched == 0
    rows, keys = sample_warehouse.execute(
        "select count(*), count(distinct (cohort, entry_id)) from mart_journey_people"
    ).fetchone()
    assert rows == keys


@pytest.mark.parametrize("cohort", list(COHORTS))
def test_first_entries_read_off_the_mart_equal_ranking(sample_warehouse, cohort):
    for period in PERIODS:
        expected = ranked_first_entries(sample_warehouse, cohort, period)
        assert cohort_entries(sample_warehouse, cohort, period, GroupFilters()) == expected


@pytest.mark.parametrize("cohort", list(COHORTS))
def test_first_entries_in_groups_equal_ranking(sample_warehouse, cohort):
    ward = sample_warehouse.execute("select min(ward_code) from mart_journey_people").fetchone()[0]
    for period in PERIODS:
        for where, groups in (
            ({"ward_code": ward}, GroupFilters(ward_code=ward)),
            ({"ward_code": ward, "sex": "female"}, GroupFilters(ward_code=ward, sex="female")),
            ({"age_band": "16-17"}, GroupFilters(age_band="16-17")),
        ):
            expected = ranked_first_entries(sample_warehouse, cohort, period, **where)
            assert cohort_entries(sample_warehouse, cohort, period, groups) == expected


@pytest.mark.parametrize("cohort", list(COHORTS))
def test_steps_equal_counting_everyone_at_once(sample_warehouse, cohort):
    for period, groups in (
        (quarter(2025, 2), GroupFilters()),
        (financial_year(2024), GroupFilters()),
        (financial_year(2024), GroupFilters(sex="female")),
    ):
        name = "journey_cohort_in_groups" if groups.applied() else "journey_cohort"
        people = run(sample_warehouse, query_sql(name), period=period, groups=groups, cohort=cohort)
        got = run(sample_warehouse, journey_sql("journey_steps", groups=groups), period=period, groups=groups, cohort=cohort)
        steps = {row["step"]: row for row in got.iter_rows(named=True)}
        assert steps["entry"]["people"] == people.height
        assert steps["entry"]["median_days_from_entry"] == (0.0 if people.height else None)
        seconds = people.select(entry=pl.lit(0), **{step: event for step, (event, _) in STEPS.items()})
        for step, (_, previous) in STEPS.items():
            reached = seconds.filter(pl.col(step).is_not_null() & pl.col(previous).is_not_null())
            assert steps[step]["people"] == reached.height, step
            for column, days in (
                ("median_days_from_entry", pl.col(step)),
                ("median_days_from_previous", pl.col(step) - pl.col(previous)),
            ):
                expected = reached.select((days / 86400.0).median()).item()
                if expected is None:
                    assert steps[step][column] is None, (step, column)
                else:
                    assert steps[step][column] == pytest.approx(expected, rel=1e-12, abs=1e-12), (step, column)
