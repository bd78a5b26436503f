"""Journeys on the sample district: the planted timing effect is found, and disclosure control holds
on every node, link, curve point and table row."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.aggregate import GroupFilters
from metrics.disclosure import DisclosureRule
from metrics.journeys import (
    COHORTS,
    describe_timing,
    journey_steps,
    missed_opportunities,
    survival_comparison,
    survival_curves,
    timing_and_attrition,
)
from metrics.periods import between, financial_year, quarter

BOARD = DisclosureRule(threshold=7, rounding_base=5)
WHOLE_SAMPLE = between(date(2020, 9, 1), date(2026, 9, 30))  # every whole month of the sample
CANAL_WHARF = "E05990025"


def published_safely(values: pl.Series) -> bool:
    """Every shown count is 0 or a multiple of the base above the threshold."""
    shown = values.drop_nulls()
    return bool(((shown == 0) | ((shown % BOARD.rounding_base == 0) & (shown > BOARD.threshold))).all())


def test_the_planted_timing_effect_is_found(sample_warehouse):
    timing = timing_and_attrition(sample_warehouse, BOARD, period=WHOLE_SAMPLE)
    total = timing.filter("is_total").row(0, named=True)
    # the district's counts rounded as every count is (3,642 crimes shown as 3,640), the shares worked out from them
    assert (total["supported_before_crimes"], total["supported_later_or_not_crimes"]) == (1715, 3640)
    assert total["supported_before_issue_pct"] == pytest.approx(13.1, abs=0.05)
    assert total["supported_later_or_not_issue_pct"] == pytest.approx(35.9, abs=0.05)
    assert total["supported_before_upper_95"] < total["supported_later_or_not_lower_95"]
    assert total["intervals_overlap"] is False
    assert "do not overlap" in describe_timing(total)


def test_whether_the_intervals_overlap_is_read_from_the_limits_shown(sample_warehouse):
    """Tanner's Bank's white victims in 2025/26: the limits shown (0.0 to 20.4 against 29.9 to 70.1, from counts
    rounded to 15 and 20 crimes) do not overlap. Read from the exact counts they did, and only one exact count of
    issues in the later group (8, shown as 10) gave overlapping limits: the sentence told it."""
    timing = timing_and_attrition(
        sample_warehouse, BOARD, period=financial_year(2025), groups=GroupFilters(ward_code="E05990017", ethnicity="white")
    )
    for row in timing.iter_rows(named=True):
        before, later = (
            (row["supported_before_lower_95"], row["supported_before_upper_95"]),
            (
                row["supported_later_or_not_lower_95"],
                row["supported_later_or_not_upper_95"],
            ),
        )
        assert row["intervals_overlap"] is (before[0] <= later[1] and later[0] <= before[1])
    total = timing.filter("is_total").row(0, named=True)
    assert (total["supported_before_upper_95"], total["supported_later_or_not_lower_95"]) == (20.4, 29.9)
    assert "do not overlap" in describe_timing(total)


def test_the_timing_effect_holds_within_groups(sample_warehouse):
    by_sex = timing_and_attrition(sample_warehouse, BOARD, period=WHOLE_SAMPLE, by="sex")
    female = by_sex.filter(pl.col("group_value") == "female").row(0, named=True)
    assert female["supported_before_issue_pct"] < female["supported_later_or_not_issue_pct"]
    for side in ("supported_before", "supported_later_or_not"):
        assert published_safely(by_sex.filter(~pl.col("is_total"))[f"{side}_crimes"])


@pytest.mark.parametrize("cohort", list(COHORTS))
def test_every_node_and_link_passes_disclosure_control(sample_warehouse, cohort):
    for groups in (GroupFilters(), GroupFilters(ward_code=CANAL_WHARF), GroupFilters(ward_code=CANAL_WHARF, age_band="16-17")):
        steps = journey_steps(sample_warehouse, BOARD, cohort=cohort, period=quarter(2025, 2), groups=groups)
        assert published_safely(steps["people"]) and published_safely(steps["previous_people"])
        hidden = steps.filter("people_suppressed")
        assert hidden["share_of_cohort_pct"].is_null().all() and hidden["median_days_from_entry"].is_null().all()
        # medians only where at least 10 people reached the step
        timed = steps.filter(pl.col("median_days_from_entry").is_not_null())
        assert timed.is_empty() or timed["people"].min() >= 10


def test_curve_points_with_few_people_followed_are_hidden(sample_warehouse):
    curves = survival_curves(
        sample_warehouse, BOARD, cohort="high_risk", period=quarter(2025, 2), measure="support", by="ethnicity"
    )
    assert published_safely(curves["at_risk"]) and published_safely(curves["people"])
    shown = curves.filter(pl.col("reached_pct").is_not_null())
    assert not shown.is_empty()
    assert not shown["at_risk_suppressed"].any() and not shown["reached_suppressed"].any()
    assert curves.filter(pl.col("at_risk_suppressed"))["reached_pct"].is_null().all()
    assert "person_id" not in curves.columns


@pytest.mark.parametrize("by", ["sex", None])
def test_a_protected_curve_follows_the_exact_one_and_ends_where_follow_up_ends(sample_warehouse, by):
    """People whose follow-up ended early leave the protected curve's denominator as they leave Kaplan-Meier's: a
    share of those still followed drifted up to 100% by day 364 of the latest year, where nobody is followed."""
    period = between(date(2025, 10, 1), date(2026, 9, 30))  # the sample's latest 12 months; follow-up ends at day 364
    protected = survival_curves(sample_warehouse, BOARD, cohort="marac", period=period, measure="support", by=by)
    exact = survival_curves(
        sample_warehouse, DisclosureRule.unsuppressed(), cohort="marac", period=period, measure="support", by=by
    )
    pairs = protected.join(exact, on=["group_value", "day"], suffix="_exact").filter(pl.col("reached_pct").is_not_null())
    assert pairs.filter(pl.col("day") >= 300).height > 0
    for row in pairs.iter_rows(named=True):  # rounding moves a point a little, never towards 100%
        assert abs(row["reached_pct"] - row["reached_pct_exact"]) < 5 + 500 / row["at_risk_exact"], row
        assert row["reached_lower_95"] <= row["reached_pct"] <= row["reached_upper_95"]
    nobody_followed = protected.filter(pl.col("at_risk") == 0)
    assert not nobody_followed.is_empty() and nobody_followed["reached_pct"].is_null().all()
    assert protected["reached_pct"].drop_nulls().max() < 50


def test_support_comes_sooner_for_women_and_the_test_says_so(sample_warehouse):
    comparison = survival_comparison(
        sample_warehouse, BOARD, cohort="incident", period=financial_year(2024), measure="support", by="sex"
    ).row(0, named=True)
    assert comparison["p_value"] < 0.001
    assert comparison["sentence"].startswith("How soon specialist support starts differs between sexes")


def test_missed_opportunities_are_suppressed_and_ordered(sample_warehouse):
    missed = missed_opportunities(sample_warehouse, BOARD, period=financial_year(2024), by="ward")
    wards = missed.filter(~pl.col("is_total"))
    assert published_safely(wards["missed"]) and published_safely(wards["eligible"])
    for measure in ("repeat_without_help", "children_without_school_notice"):
        part = wards.filter(pl.col("measure") == measure)["missed"].drop_nulls().to_list()
        assert part == sorted(part, reverse=True)
    totals = missed.filter("is_total")
    assert totals["missed"].min() > 0


def test_a_selection_with_nobody_in_it_has_no_curve_and_no_test(sample_warehouse):
    """The page then says there is nobody to follow; the protected curve must not fail on no curves to redo."""
    nobody = GroupFilters(ward_code="E05990017", ethnicity="other", age_band="75+")
    arguments = {"cohort": "marac", "period": financial_year(2024), "measure": "support", "groups": nobody, "by": "sex"}
    assert survival_curves(sample_warehouse, BOARD, **arguments).is_empty()
    comparison = survival_comparison(sample_warehouse, BOARD, **arguments).row(0, named=True)
    assert comparison["sentence"] == "Too few groups with enough people to compare."
