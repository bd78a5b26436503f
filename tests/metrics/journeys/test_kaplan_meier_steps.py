"""Kaplan-Meier medians of time to a journey step, with the share never reaching it in follow-up."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.disclosure import DisclosureRule
from metrics.journeys import journey_steps
from metrics.journeys.steps import kaplan_meier_summary, published_life_table_summary
from metrics.periods import rolling_12_months


def times(rows):
    return pl.DataFrame(rows, schema={"days": pl.Int64, "is_event": pl.Boolean, "people": pl.Int64}, orient="row")


def test_a_median_worked_by_hand_with_censoring():
    # 10 people: events on days 2, 3 (two), 8; censored on day 4 (three) and day 10 (three).
    # S(2) = 9/10, S(3) = 9/10 x 7/9 = 0.7, then 3 leave at day 4 with no event, S(8) = 0.7 x 3/4 = 0.525:
    # the curve never reaches 0.5, so there is no median, and 52.5% never reached the step in follow-up.
    median, never = kaplan_meier_summary(times([(2, True, 1), (3, True, 2), (4, False, 3), (8, True, 1), (10, False, 3)]))
    assert median is None and never == pytest.approx(52.5)
    # One more event on day 9 among the 3 then at risk: S(9) = 0.525 x 2/3 = 0.35, so the median is day 9,
    # where the median among those who reached it would be day 3.
    median, never = kaplan_meier_summary(
        times([(2, True, 1), (3, True, 2), (4, False, 3), (8, True, 1), (9, True, 1), (10, False, 2)])
    )
    assert median == 9 and never == pytest.approx(35.0)


def test_the_median_days_to_support_allow_for_those_not_yet_supported(sample_warehouse):
    steps = journey_steps(sample_warehouse, DisclosureRule(7, 5), cohort="high_risk", period=rolling_12_months(date(2026, 9, 30)))
    support = steps.filter(pl.col("step") == "support_started").row(0, named=True)
    # among those supported the median is a few days; allowing for the third never supported in follow-up it is longer
    assert support["median_days_from_entry"] < 6 < support["km_median_days_from_entry"]
    assert 30 < support["never_reached_pct"] < 45


def test_under_a_protecting_rule_the_curve_comes_from_counts_as_published():
    # 12 people, 9 reaching the step on day 3 and 3 followed to day 100 without it: the exact curve says 25.0% never
    # reached it, which among counts shown as 10 and 10 only 12 and 9 give. Under the rule the 3 still followed are
    # a hidden count from the first week, so the table gives neither figure.
    rule = DisclosureRule(7, 5)
    assert kaplan_meier_summary(times([(3, True, 9), (100, False, 3)])) == (3.0, pytest.approx(25.0))
    assert published_life_table_summary(times([(3, True, 9), (100, False, 3)]), rule) == (None, None)
    # 101 people, 61 reaching it in the first week: the exact curve gives 40/101 = 39.6%; the life table reads the
    # counts as published (100, 60 and 40), as it would for 99 people with 59 reaching it
    assert kaplan_meier_summary(times([(3, True, 61), (100, False, 40)]))[1] == pytest.approx(100 * 40 / 101)
    assert published_life_table_summary(times([(3, True, 61), (100, False, 40)]), rule) == (7.0, pytest.approx(40.0))
    assert published_life_table_summary(times([(3, True, 59), (100, False, 40)]), rule) == (7.0, pytest.approx(40.0))


def test_protected_medians_are_whole_days_given_on_the_published_count():
    from metrics.journeys.steps import _days

    board = DisclosureRule(threshold=7, rounding_base=5)
    # 8 and 12 people are both published as 10: a median is given for both, or for neither, and in whole days, so
    # neither its presence nor a half day (an even count's median) tells them apart
    assert _days(12.5, 8, 10, board) == _days(12.5, 12, 10, board) == 12.0
    unprotected = DisclosureRule.unsuppressed()
    assert _days(12.46, 12, 10, unprotected) == 12.5
    assert _days(12.46, 9, 10, unprotected) is None
