"""Outcome maturity: outcome-type indicators are read only once their crimes have had time to reach an outcome."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from metrics import maturity
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import between, financial_year, quarter, rolling_12_months
from metrics.registry import all_indicators
from tests.metrics.cut_drop import cut_sample_warehouse

RULE = DisclosureRule.unsuppressed()


def test_the_cutoff_is_the_lag_in_whole_months_before_the_complete_data():
    assert maturity.cutoff(date(2026, 9, 30), 6) == date(2026, 3, 31)
    assert maturity.cutoff(date(2026, 2, 28), 6) == date(2025, 8, 31)
    assert maturity.cutoff(date(2026, 9, 30), 0) == date(2026, 9, 30)


def test_a_period_past_the_cutoff_moves_back_and_keeps_its_length():
    moved = maturity.mature_period(rolling_12_months(date(2026, 9, 30)), date(2026, 3, 31), 6)
    assert (moved.start, moved.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert moved.label == "12 months to Mar 2026 (outcomes given 6 months to mature)"
    assert maturity.mature_period(quarter(2026, 3), date(2026, 3, 31), 6).start == date(2026, 1, 1)
    assert maturity.mature_period(financial_year(2024), date(2026, 3, 31), 6) == financial_year(2024)
    odd = maturity.mature_period(between(date(2026, 5, 10), date(2026, 6, 9)), date(2026, 3, 31), 6)
    assert (odd.start, odd.end) == (date(2026, 3, 1), date(2026, 3, 31))


# The outcomes the methods' maturity rule names (outcome 15/16, charge, prosecution, conviction, CPS referral,
# arrest), each with the indicator that measures it. Those counting crimes recorded in the period by what has
# happened to them since wait for the lag; those counting decisions by the date they were made do not need to
# (a decision dated in a complete month is already known) and say so; the test below checks they do not drift.
CRIME_COHORT = {
    "outcome 15": "outcome15_pct",
    "outcome 16": "outcome16_pct",
    "prosecution": "prosecution_pct",
    "CPS referral": "cps_referral_pct",
    "arrest": "arrest_rate_per_100_crimes",
}
DECISION_DATED = {"charge": "charge_rate_pct", "conviction": "conviction_rate_pct", "victim issue": "victim_issue_pct"}


@pytest.mark.parametrize("named", sorted(CRIME_COHORT))
def test_each_crime_cohort_outcome_the_maturity_rule_names_declares_the_lag(named):
    from metrics.registry import get

    indicator = get(CRIME_COHORT[named])
    assert indicator.matures, f"{indicator.id} ({named}) must wait for the maturity lag"
    assert "maturity lag" in indicator.notes  # and says so where its definition is read


@pytest.mark.parametrize("named", sorted(DECISION_DATED))
def test_each_decision_dated_outcome_says_why_it_needs_no_lag(named):
    from metrics.registry import get

    indicator = get(DECISION_DATED[named])
    assert not indicator.matures and "needs no maturity lag" in indicator.notes


def test_outcome_type_indicators_are_the_crime_cohort_ones():
    assert {indicator.id for indicator in all_indicators() if indicator.matures} == set(CRIME_COHORT.values())


def test_the_default_outcome_16_is_the_mature_12_months(sample_warehouse):
    frame = compute(sample_warehouse, "outcome16_pct", rule=RULE, with_trend=False)
    assert frame["period"][0] == "12 months to Mar 2026 (outcomes given 6 months to mature)"


def test_the_maturity_lag_is_a_setting(sample_warehouse, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_MATURITY_LAG_MONTHS", "3")
    frame = compute(sample_warehouse, "outcome16_pct", rule=RULE, with_trend=False)
    assert frame["period"][0] == "12 months to Jun 2026 (outcomes given 3 months to mature)"


@pytest.fixture(scope="module")
def year_earlier(tmp_path_factory):
    """The sample as extracted a year before its end: data to 30 Sep 2025."""
    con = cut_sample_warehouse(tmp_path_factory.mktemp("year_earlier"), datetime(2025, 10, 1))
    yield con
    con.close()


def test_the_default_outcome_16_is_within_two_points_of_its_mature_value(year_earlier, sample_warehouse):
    then = compute(year_earlier, "outcome16_pct", rule=RULE, with_trend=False)
    assert then["period"][0].startswith("12 months to Mar 2025")
    # The same crimes a further 18 months on, in the whole sample.
    mature = compute(
        sample_warehouse, "outcome16_pct", Filters(period=rolling_12_months(date(2025, 3, 31))), rule=RULE, with_trend=False
    )
    assert abs(then["value"][0] - mature["value"][0]) < 2
    # Without the lag the latest 12 months read far below their mature value.
    unlagged_mature = compute(
        sample_warehouse, "outcome16_pct", Filters(period=rolling_12_months(date(2025, 9, 30))), rule=RULE, with_trend=False
    )["value"][0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVERSIGHT_MATURITY_LAG_MONTHS", "0")
        unlagged = compute(year_earlier, "outcome16_pct", rule=RULE, with_trend=False)["value"][0]
    assert unlagged_mature - unlagged > 5


@pytest.mark.parametrize("indicator_id", sorted(DECISION_DATED.values()))
def test_a_decision_dated_rate_reads_the_same_early_as_late(indicator_id, year_earlier, sample_warehouse, monkeypatch):
    # Read the day after its period ends and again a year on, a rate of decisions by their date is unchanged,
    # while a crime-cohort rate moves as its crimes reach outcomes: the lag is for the second kind only.
    monkeypatch.setenv("OVERSIGHT_MATURITY_LAG_MONTHS", "0")
    period = Filters(period=rolling_12_months(date(2025, 9, 30)))
    early = compute(year_earlier, indicator_id, period, rule=RULE, with_trend=False).row(0, named=True)
    late = compute(sample_warehouse, indicator_id, period, rule=RULE, with_trend=False).row(0, named=True)
    assert early["denominator"] > 100 and (early["numerator"], early["denominator"]) == (late["numerator"], late["denominator"])
    cohort_early = compute(year_earlier, "outcome16_pct", period, rule=RULE, with_trend=False)["value"][0]
    cohort_late = compute(sample_warehouse, "outcome16_pct", period, rule=RULE, with_trend=False)["value"][0]
    assert cohort_late - cohort_early > 5
