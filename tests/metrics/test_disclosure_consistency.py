"""The same count is published the same way wherever it is shown: rounding is a fixed function of the count,
never of the page, the table around it, the period menu or the session, so two views of one cell cannot be
averaged or set against each other to narrow its band."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule, protect_count, protect_frame, protect_table
from metrics.periods import financial_year, quarter

RULE = DisclosureRule(threshold=7, rounding_base=5)
ALDERBROOK = "E05990012"
INDICATOR = "prevalence_incidents_per_1000"


@given(count=st.integers(0, 10_000), others=st.lists(st.integers(0, 10_000), max_size=6), position=st.integers(0, 6))
def test_a_shown_count_is_rounded_the_same_whatever_surrounds_it(count, others, position):
    """Alone, as a row of a frame among any others, or as a cell of a table: the same published value, or hidden."""
    alone = protect_count(count, RULE).value
    rows = [*others[:position], count, *others[position:]]
    where = min(position, len(others))
    framed = protect_frame(pl.DataFrame({"n": rows}), count_columns=["n"], ratio_columns={}, rule=RULE)
    tabled = protect_table(np.array([rows, [0] * len(rows)]), rule=RULE).cells[0][where].value
    for shown in (framed["n"][where], tabled):
        assert shown is None or shown == alone


def test_rounding_is_the_same_in_another_process():
    """No seed, salt or session enters the rule: a fresh interpreter publishes every count the same."""
    counts = list(range(0, 400))
    script = (
        "import json, sys; from metrics.disclosure import DisclosureRule, protect_count; "
        "rule = DisclosureRule(7, 5); print(json.dumps([protect_count(n, rule).value for n in range(400)]))"
    )
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert fresh.strip() == str([protect_count(n, RULE).value for n in counts]).replace("None", "null")


def _shown(frame: pl.DataFrame, **where: object) -> tuple[object, object]:
    row = frame.filter(*(pl.col(column) == value for column, value in where.items())).row(0, named=True)
    return row["numerator"], row["value"]


def test_one_ward_quarter_is_published_the_same_on_every_route_to_it(sample_warehouse):
    """Alderbrook's incidents in 2025 Q4: as its own period (the ward chosen on a page), as a row of the wards
    for the quarter (the map and the pack's ward funnel), and as a quarter of its financial year (a trend cut):
    one published count, one rate, asked twice."""
    q4 = quarter(2025, 4)
    ward = GroupFilters(ward_code=ALDERBROOK)
    routes = [
        _shown(compute(sample_warehouse, INDICATOR, Filters(period=q4, groups=ward), rule=RULE, with_trend=False)),
        _shown(
            compute(sample_warehouse, INDICATOR, Filters(period=q4, by="ward"), rule=RULE, with_trend=False), cut_value=ALDERBROOK
        ),
        _shown(
            compute(
                sample_warehouse,
                INDICATOR,
                Filters(period=financial_year(2025), by="quarter", groups=ward),
                rule=RULE,
                with_trend=False,
            ),
            cut_label="2025 Q4",
        ),
    ]
    again = _shown(compute(sample_warehouse, INDICATOR, Filters(period=q4, groups=ward), rule=RULE, with_trend=False))
    numerators = {numerator for numerator, _ in [*routes, again]}
    assert len(numerators) == 1 and None not in numerators
    (numerator,) = numerators
    assert numerator % RULE.rounding_base == 0 and numerator > RULE.threshold
    values = {round(value, 6) for _, value in routes if value is not None}
    assert len(values) == 1, routes


def test_a_count_hidden_in_its_table_by_group_is_hidden_when_that_group_is_picked_alone(sample_warehouse):
    """In 2025 the table by sex hides the unknown sex (a small count) and the men with it, so that the district's
    total less the women gives nothing away; the men picked alone in the sidebar must not show them again (the
    district less the women and the men would pin the unknown sex)."""
    from datetime import date

    from metrics.periods import between

    year = between(date(2025, 1, 1), date(2025, 12, 31))
    indicator = "repeat_victimisation_pct"
    by_sex = compute(sample_warehouse, indicator, Filters(year, "sex"), rule=RULE, with_trend=False)
    hidden = dict(zip(by_sex["cut_value"], by_sex["numerator_suppressed"], strict=True))
    assert hidden == {"female": False, "male": True, "unknown": True}
    for sex, is_hidden in hidden.items():
        alone = compute(sample_warehouse, indicator, Filters(year, groups=GroupFilters(sex=sex)), rule=RULE, with_trend=False)
        assert alone["numerator_suppressed"].to_list() == [is_hidden], sex
        assert alone["value"].is_null().all() is is_hidden, sex
    # and a ward picked with a sex: hidden whenever the ward's table by sex or the sex's table by ward hides it
    for ward in by_sex_wards(sample_warehouse, indicator, year):
        for sex in ("female", "male"):
            alone = compute(
                sample_warehouse,
                indicator,
                Filters(year, groups=GroupFilters(ward_code=ward, sex=sex)),
                rule=RULE,
                with_trend=False,
            )
            in_tables = [
                compute(
                    sample_warehouse, indicator, Filters(year, "sex", GroupFilters(ward_code=ward)), rule=RULE, with_trend=False
                )
                .filter(pl.col("cut_value") == sex)["numerator_suppressed"]
                .any(),
                compute(sample_warehouse, indicator, Filters(year, "ward", GroupFilters(sex=sex)), rule=RULE, with_trend=False)
                .filter(pl.col("cut_value") == ward)["numerator_suppressed"]
                .any(),
            ]
            assert alone["numerator_suppressed"].to_list() == [any(in_tables)], (ward, sex)


def by_sex_wards(con, indicator: str, period) -> list[str]:
    """Three wards of the sample, the first alphabetically by code, enough to meet both kinds of hiding."""
    wards = compute(con, indicator, Filters(period, "ward"), rule=RULE, with_trend=False)
    return sorted(wards["cut_value"].to_list())[:3]


def test_a_quarter_hidden_in_its_year_by_quarter_is_hidden_when_chosen_as_the_period(sample_warehouse):
    """A quarter hidden beside a small one in its financial or calendar year by quarter (so the year's total gives
    neither away) stays hidden when the sidebar chooses that quarter, for the district or a group."""
    from metrics.periods import calendar_year

    cases = [
        ("honour_based_abuse_count", GroupFilters(ethnicity="asian"), financial_year(2021), 2021, 3),
        ("marac_lgbt_pct", GroupFilters(), calendar_year(2024), 2024, 1),
        ("marac_lgbt_pct", GroupFilters(sex="male"), calendar_year(2023), 2023, 1),
    ]
    for indicator, groups, year, quarter_year, number in cases:
        by_quarter = compute(sample_warehouse, indicator, Filters(year, "quarter", groups), rule=RULE, with_trend=False)
        label = f"{quarter_year} Q{number}"
        assert by_quarter.filter(pl.col("cut_value") == label)["numerator_suppressed"].to_list() == [True], label
        alone = compute(
            sample_warehouse, indicator, Filters(quarter(quarter_year, number), groups=groups), rule=RULE, with_trend=False
        )
        assert alone["numerator_suppressed"].to_list() == [True], (indicator, label)
        assert alone["numerator"].is_null().all() and alone["value"].is_null().all()


def test_a_month_hidden_in_its_quarter_by_month_is_hidden_when_chosen_as_the_period(sample_warehouse):
    """The men's LGBT+ MARAC cases: a month hidden beside a small one in its quarter by month (here a 0, hidden so that
    the quarter less the months shown gives nothing away) is hidden when that month is the period."""
    from metrics.periods import month

    indicator, groups = "marac_lgbt_pct", GroupFilters(sex="male")
    by_month = compute(sample_warehouse, indicator, Filters(quarter(2025, 3), "month", groups), rule=RULE, with_trend=False)
    assert by_month.filter(pl.col("cut_value") == "2025-07")["numerator_suppressed"].to_list() == [True]
    alone = compute(sample_warehouse, indicator, Filters(month(2025, 7), groups=groups), rule=RULE, with_trend=False)
    assert alone["numerator_suppressed"].to_list() == [True] and alone["numerator"].is_null().all()
