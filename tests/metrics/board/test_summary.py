"""The board pack's summary sentences from tiny literal frames, and the two-period test's golden values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from scipy import stats

from metrics.board.summary import (
    change_between,
    immature_outcomes,
    incomplete_periods,
    needs_attention,
    off_track_targets,
    owners_sentence,
    what_changed,
)
from metrics.completeness import Coverage, SourceCoverage
from metrics.periods import calendar_year, financial_year, quarter


def scorecard_row(
    indicator_id: str,
    title: str,
    numerator,
    denominator,
    value,
    *,
    unit="% of victims",
    comparison="similar",
    comparison_text="similar to the district",
    trend="no significant change",
):
    return {
        "indicator_id": indicator_id,
        "title": title,
        "unit": unit,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "comparison": comparison,
        "comparison_text": comparison_text,
        "trend": trend,
    }


def frame(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema={
            "indicator_id": pl.String,
            "title": pl.String,
            "unit": pl.String,
            "numerator": pl.Int64,
            "denominator": pl.Float64,
            "value": pl.Float64,
            "comparison": pl.String,
            "comparison_text": pl.String,
            "trend": pl.String,
        },
    )


def test_a_proportion_that_moved_beyond_chance_is_a_real_change_with_its_direction_and_judgement():
    before = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", 200, 1000, 20.0))
    after = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", 300, 1000, 30.0))
    summary = what_changed(after, before)
    assert [change.indicator_id for change in summary.changes] == ["repeat_victimisation_pct"]
    change = summary.changes[0]
    assert change.direction == "rose" and change.judgement == "worse"  # repeat victimisation: low is good
    assert change.sentence == "Repeat victims rose from 20.0 to 30.0% of victims (worse)."
    # golden value: the pooled two-proportion z test, the same as a chi-square test of the 2x2 table
    chi2 = stats.chi2_contingency([[300, 700], [200, 800]], correction=False).pvalue
    assert change.p_value == pytest.approx(chi2, rel=1e-9)


def test_a_small_difference_is_no_real_change_and_is_counted_in_words():
    before = frame(
        scorecard_row("repeat_victimisation_pct", "Repeat victims", 200, 1000, 20.0),
        scorecard_row("charge_rate_pct", "Charged", 50, 100, 50.0, unit="% of decisions"),
    )
    after = frame(
        scorecard_row("repeat_victimisation_pct", "Repeat victims", 205, 1000, 20.5),
        scorecard_row("charge_rate_pct", "Charged", 52, 100, 52.0, unit="% of decisions"),
    )
    summary = what_changed(after, before)
    assert summary.changes == () and summary.to_watch == ()
    assert "No real change in 2 indicators: the differences are within what chance explains." in summary.sentences
    assert summary.sentences[0].startswith("No headline indicator changed by more than chance explains")


def test_a_change_significant_at_95_but_not_998_is_one_to_watch():
    before = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", 200, 1000, 20.0))
    after = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", 240, 1000, 24.0))
    summary = what_changed(after, before)
    assert summary.changes == () and [change.title for change in summary.to_watch] == ["Repeat victims"]
    assert 0.002 < summary.to_watch[0].p_value < 0.05
    assert any(line.startswith("Possible change, to watch") for line in summary.sentences)


def test_rates_use_the_exact_conditional_test_of_two_poisson_counts():
    after = scorecard_row("prevalence_incidents_per_1000", "Incidents", 150, 10_000.0, 60.0, unit="per 1,000")
    before = scorecard_row("prevalence_incidents_per_1000", "Incidents", 100, 10_000.0, 40.0, unit="per 1,000")
    change = change_between(after, before)
    assert change.p_value == pytest.approx(stats.binomtest(150, 250, 0.5).pvalue)
    assert change.judgement == ""  # more reported incidents is neither better nor worse


def test_a_hidden_count_is_not_tested_and_says_so():
    before = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", None, 1000, None))
    after = frame(scorecard_row("repeat_victimisation_pct", "Repeat victims", 300, 1000, 30.0))
    summary = what_changed(after, before)
    assert summary.not_tested == ("Repeat victims",)
    assert summary.sentences[-1] == "Not compared (a value is not shown in one of the periods): Repeat victims."


def test_justice_outcomes_of_a_period_that_just_ended_are_not_compared():
    period = quarter(2026, 3)
    ids = ["outcome16_pct", "charge_rate_pct", "repeat_victimisation_pct"]
    six_months_back = {
        "outcome16_pct": date(2026, 3, 31),
        "charge_rate_pct": date(2026, 3, 31),
        "repeat_victimisation_pct": None,
    }  # data complete to September, a lag of 6 months
    assert immature_outcomes(ids, period, six_months_back) == {"outcome16_pct", "charge_rate_pct"}
    assert immature_outcomes(ids, quarter(2026, 1), six_months_back) == frozenset()
    assert immature_outcomes(ids, period, dict.fromkeys(ids, date(2026, 9, 30))) == frozenset()
    before = frame(scorecard_row("outcome16_pct", "Outcome 16", 480, 1000, 48.0))
    after = frame(scorecard_row("outcome16_pct", "Outcome 16", 260, 1000, 26.0))
    summary = what_changed(after, before, immature=frozenset({"outcome16_pct"}))
    assert summary.changes == () and summary.immature == ("Outcome 16",)


def test_a_period_the_data_do_not_cover_whole_or_look_back_over_is_not_compared():
    # police data from 1 Oct 2020 to 29 Sep 2026, MARAC to 20 Aug 2026 (a weekly meeting)
    coverage = Coverage(
        {
            "police_incidents": SourceCoverage("police_incidents", date(2020, 10, 1), date(2026, 9, 29), 1, 1),
            "marac_cases": SourceCoverage("marac_cases", date(2020, 10, 1), date(2026, 8, 20), 7, 7),
        }
    )
    ids = ["prevalence_incidents_per_1000", "repeat_victimisation_pct", "marac_cases_per_10000_women"]
    # 2026 runs past every source's end: 9 months against 2025's 12 would read as a fall
    whole_year_short = incomplete_periods(ids, (calendar_year(2026), calendar_year(2025)), coverage)
    assert whole_year_short == dict.fromkeys(ids, "the data do not cover 2026 whole")
    # the quarter the police data cover whole, but not the MARAC data
    assert incomplete_periods(ids, (quarter(2026, 3), quarter(2026, 2)), coverage) == {
        "marac_cases_per_10000_women": "the data do not cover 2026 Q3 whole"
    }
    # 2021/22 is covered whole, but a repeat within 12 months needs the year before it too
    assert incomplete_periods(ids, (financial_year(2021), financial_year(2022)), coverage) == {
        "repeat_victimisation_pct": "2021/22 starts less than 365 days after the data begin, too soon to see each "
        "victim's earlier incidents"
    }
    assert incomplete_periods(ids, (quarter(2026, 2), quarter(2026, 1)), coverage) == {}
    assert incomplete_periods(ids, (quarter(2026, 3),), None) == {}

    before = frame(scorecard_row("prevalence_incidents_per_1000", "Incidents", 2380, 100_000.0, 23.8, unit="per 1,000"))
    after = frame(scorecard_row("prevalence_incidents_per_1000", "Incidents", 1790, 100_000.0, 17.9, unit="per 1,000"))
    assert what_changed(after, before).changes  # the fall of 9 months against 12, were it tested
    summary = what_changed(after, before, incomplete=whole_year_short)
    assert summary.changes == () and summary.to_watch == () and summary.unchanged == ()
    assert summary.sentences[-1] == "Not compared, because the data do not cover 2026 whole: Incidents."


def test_needs_attention_names_the_highest_ward_above_the_district_and_worse_indicators():
    wards = pl.DataFrame(
        {
            "cut_label": ["Greystone Park", "Canal Wharf", "Kiln Row", "Hidden Ward", "Mill End"],
            "value": [53.1, 31.9, 12.0, None, 29.0],
            "unit": ["per 1,000 residents a year"] * 5,
            "comparison": ["higher_998", "higher_998", "lower_998", "not_compared", "higher"],
            "comparison_text": [
                "significantly higher than the district (99.8%)",
                "significantly higher than the district (99.8%)",
                "significantly lower than the district (99.8%)",
                "not compared",
                "significantly higher than the district (95%)",
            ],
        }
    )
    scorecard = frame(
        scorecard_row(
            "charge_rate_pct",
            "Charged",
            500,
            1000,
            50.0,
            comparison="worse_998",
            comparison_text="significantly worse than England and Wales (99.8%)",
        ),
        scorecard_row("repeat_victimisation_pct", "Repeat victims", 300, 1000, 30.0, trend="increasing"),
        scorecard_row(
            "prevalence_incidents_per_1000",
            "Incidents",
            900,
            17_000.0,
            53.1,
            unit="per 1,000",
            comparison="higher_998",
            comparison_text="significantly higher than the district (99.8%)",
        ),
        scorecard_row(
            "marac_cases_per_10000_women",
            "MARAC cases",
            50,
            10_000.0,
            50.0,
            unit="per 10,000",
            comparison="higher",
            comparison_text="significantly higher than SafeLives (95%)",
        ),
    )
    lines = needs_attention(scorecard, wards)
    assert lines[0].startswith("Greystone Park has the highest rate of reported domestic abuse, 53.1 per 1,000")
    # Mill End is above the 95% limits only, as 1.5 of 30 wards are by chance alone: not named
    assert lines[0].endswith("Also above the district at 99.8%: Canal Wharf.")
    assert "Charged: 50.0 % of victims in the district, significantly worse than England and Wales (99.8%)." in lines
    assert "Repeat victims has been rising year on year, the wrong way." in lines
    assert "Incidents: 53.1 per 1,000 in the district, significantly higher than the district (99.8%)." in lines
    assert not [line for line in lines if line.startswith("MARAC")]  # higher at 95% only, and no worse direction


def test_off_track_targets_keep_plan_order_and_name_owners():
    targets = pl.DataFrame(
        {
            "target_id": ["PREV-01", "PREV-02", "PROT-01"],
            "label": ["PREV-01: a", "PREV-02: b", "PROT-01: c"],
            "priority": ["prevention", "prevention", "protection"],
            "progress": ["off track", "met", "missed"],
            "owner": ["Chair", "Lead", None],
            "needs_attention": [True, False, True],
        }
    )
    flagged = off_track_targets(targets)
    assert [(target.target_id, target.owner) for target in flagged] == [("PREV-01", "Chair"), ("PROT-01", "no named owner")]
    assert flagged[1].sentence == "PROT-01: c (missed), owned by no named owner."
    assert owners_sentence(flagged) == "2 targets off track or missed, held by Chair; no named owner."
    assert owners_sentence([]) == "No target is off track."


def test_the_pack_waits_for_outcomes_as_long_as_the_maturity_lag_setting_says(sample_warehouse, monkeypatch):
    from metrics.board.pack import mature_through

    ids = ["outcome16_pct", "charge_rate_pct", "prevalence_incidents_per_1000"]
    through = mature_through(sample_warehouse)  # the sample's data run whole to September 2026; the lag is 6 months
    assert (through["outcome16_pct"], through["charge_rate_pct"]) == (date(2026, 3, 31), date(2026, 3, 31))
    assert through["prevalence_incidents_per_1000"] is None
    # 2026 Q2 ended 91 days before the data did: a 90-day rule compared it, six months' lag does not
    assert immature_outcomes(ids, quarter(2026, 2), through) == {"outcome16_pct", "charge_rate_pct"}
    monkeypatch.setenv("OVERSIGHT_MATURITY_LAG_MONTHS", "3")
    assert immature_outcomes(ids, quarter(2026, 2), mature_through(sample_warehouse)) == frozenset()
    assert immature_outcomes(ids, quarter(2026, 3), mature_through(sample_warehouse)) == {"outcome16_pct", "charge_rate_pct"}


def test_the_pack_compares_no_period_its_data_do_not_cover_whole(sample_warehouse):
    """The sample's data run from 30 September 2020 to 29 September 2026: 2026 is nine months of data and 2020/21
    six, so either against a whole year would read as a fall; the pack says so and calls nothing a real change."""
    from metrics.board.pack import board_pack
    from metrics.disclosure import DisclosureRule

    board = DisclosureRule(threshold=7, rounding_base=5)
    for period, previous, short in (
        (calendar_year(2026), calendar_year(2025), "2026"),
        (financial_year(2021), financial_year(2020), "2020/21"),
    ):
        pack = board_pack(sample_warehouse, period=period, previous=previous, rule=board)
        changes = pack.summary.changes
        assert changes.changes == () and changes.to_watch == (), [change.sentence for change in changes.changes]
        assert next(why for why, _ in changes.incomplete) == f"the data do not cover {short} whole"
        assert len(pack.shortfalls) == 1 and pack.shortfalls[0].startswith(f"{short} is incomplete: ")
    # 2021/22 is covered whole, but its repeat measures cannot look back over the year before the data begin
    whys = [why for why, _ in changes.incomplete]
    assert any(why.startswith("2021/22 starts less than 365 days after the data begin") for why in whys)


def test_the_pack_says_how_many_comparisons_it_shows_and_what_chance_alone_gives(sample_warehouse):
    from metrics.board.pack import board_pack
    from metrics.disclosure import DisclosureRule
    from metrics.overdispersion import count_comparisons

    pack = board_pack(
        sample_warehouse, period=quarter(2026, 3), previous=quarter(2026, 2), rule=DisclosureRule(threshold=7, rounding_base=5)
    )
    shown = count_comparisons(pack.scorecard, pack.ward_points, pack.attention_points, pack.least_reporting, pack.hotspots)
    assert shown.comparisons > count_comparisons(pack.scorecard).comparisons + 20  # the 30 wards are compared too
    assert pack.comparisons == shown.sentence("pack")
    assert pack.comparisons.startswith(f"This pack makes {shown.comparisons} comparisons. Chance alone would put about ")


def test_the_pack_names_a_ward_from_the_age_standardised_rates(sample_warehouse):
    """A ward of students and one of pensioners differ for their ages alone: the ward named is above the district
    once both are compared as if they had the same ages."""
    from metrics.board.pack import board_pack
    from metrics.disclosure import DisclosureRule

    pack = board_pack(
        sample_warehouse, period=quarter(2026, 3), previous=quarter(2026, 2), rule=DisclosureRule(threshold=7, rounding_base=5)
    )
    top = pack.attention_points.filter(pl.col("comparison") == "higher_998").sort("value", descending=True).row(0, named=True)
    assert top["comparator"] == "district (age-standardised)"
    assert pack.summary.needs_attention[0].startswith(f"{top['cut_label']} has the highest rate of reported domestic abuse")
    assert "(age-standardised)" in pack.summary.needs_attention[0]
