"""The Overview's first screen: which ward and community are named, and in what words."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.board.overview import (
    community_attention,
    indicator_attention,
    overview,
    quarter_or_year,
    spc_icons,
    times,
    top_ward,
    ward_attention,
)
from metrics.periods import between, quarter
from metrics.spc import Variation

POINTS = pl.DataFrame(
    {
        "cut_value": ["E1", "E2", "E3"],
        "cut_label": ["Greystone Park", "Canal Wharf", "Eastfold"],
        "value": [53.0, 31.9, 12.0],
        "comparator_value": [23.8] * 3,
        "comparison": ["higher_998", "similar", "lower_998"],
    }
)


def test_the_ward_named_is_the_highest_significantly_above_the_district_with_the_gap_in_words():
    assert top_ward(POINTS) == "E1"
    assert ward_attention(POINTS, None) == "Greystone Park: 53 incidents per 1,000 residents a year, 2.2 times the district's 24."
    assert ward_attention(POINTS.with_columns(comparison=pl.lit("similar")), None) is None


def test_an_age_standardised_ward_says_so():
    standardised = POINTS.with_columns(comparator=pl.lit("district (age-standardised)"))
    assert ward_attention(standardised, None) == (
        "Greystone Park: 53 age-standardised incidents per 1,000 residents a year, 2.2 times the district's 24."
    )


def test_unusually_high_is_said_only_when_the_ward_s_own_spc_chart_shows_a_special_cause():
    flat = pl.DataFrame(
        {
            "cut_value": [f"2025-{month:02d}" for month in range(1, 13)] + ["2026-01", "2026-02"],
            "value": [50.0, 52, 49, 51, 50, 52, 49, 51, 50, 52, 49, 51, 50, 52],
        }
    )
    assert "unusually" not in ward_attention(POINTS, flat)
    jump = flat.with_columns(value=pl.when(pl.col("cut_value") == "2026-02").then(90.0).otherwise(pl.col("value")))
    assert ward_attention(POINTS, jump).endswith("2.2 times the district's 24, and unusually high lately.")


def test_the_community_named_reports_furthest_below_its_own_sex_at_99_8_percent():
    groups = pl.DataFrame(
        {
            "group": ["Women", "Men", "Asian women", "White men", "Black women"],
            "sex": ["female", "male", "female", "male", "female"],
            "ethnicity": [None, None, "asian", "white", "black"],
            "value": [54.0, 34.0, 36.0, 28.0, 50.0],
            "upper_998": [56.0, 36.0, 40.2, 30.3, 58.0],
        }
    )
    assert community_attention(groups) == (
        "Asian women: 36 known to services for every 100 victims the crime survey "
        "predicts, two-thirds of the rate for all women (54): likely under-reporting."
    )
    assert community_attention(groups.with_columns(upper_998=pl.lit(99.0))) is None  # none significantly below


def test_ratios_in_words():
    assert [times(ratio) for ratio in (2.0, 2.23, 0.5, 0.67, 0.71, 1.05)] == [
        "twice",
        "2.2 times",
        "half",
        "two-thirds of",
        "71% of",
        "105% of",
    ]


def test_spc_icons_need_twelve_shown_months_and_count_special_causes_inside_the_period():
    months = [f"2025-{month:02d}" for month in range(1, 13)] + [f"2026-{month:02d}" for month in range(1, 4)]
    values = [10.0, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 30]
    icons = spc_icons(
        pl.DataFrame({"cut_value": months, "value": values}), "charge_rate_pct", target=None, period=quarter(2026, 1)
    )
    # the last month is beyond the upper limit; the two before sit in a run of 14 below the mean (a shift)
    assert icons.variation is Variation.IMPROVING and icons.special_in_period == 3 and icons.latest_side == 1
    short = spc_icons(
        pl.DataFrame({"cut_value": months[:11], "value": values[:11]}), "charge_rate_pct", target=None, period=quarter(2026, 1)
    )
    assert short.variation is None and short.months == 11


def test_the_periods_compared_are_the_latest_quarter_or_twelve_months_and_the_ones_before():
    latest = quarter(2026, 3)
    assert [period.label for period in quarter_or_year(latest, "quarter")] == ["2026 Q3", "2026 Q2"]
    year, before = quarter_or_year(latest, "year")
    assert (year.start, year.end, before.start, before.end) == (
        date(2025, 10, 1),
        date(2026, 9, 30),
        date(2024, 10, 1),
        date(2025, 9, 30),
    )


# 24 months to 2026 Q3: steady, but July 2026 far above the upper limit, and the months after it ordinary
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025, 2026) for month in range(1, 13)][9:33]
SPIKE = pl.DataFrame({"cut_value": MONTHS, "value": [10.0, 11.0] * 10 + [10.5, 30.0, 10.0, 11.0]})


def scorecard_row(indicator_id: str, title: str, value: float, **columns) -> dict:
    return {
        "indicator_id": indicator_id,
        "title": title,
        "unit": "% of charging decisions",
        "numerator": value,
        "denominator": 100.0,
        "value": value,
        "comparator": None,
        "comparator_value": None,
        "comparison": "similar",
        **columns,
    }


def first_screen(current: list[dict], before: list[dict], **given):
    arguments = {
        "period": quarter(2026, 3),
        "previous": quarter(2026, 2),
        "current": pl.DataFrame(current),
        "before": pl.DataFrame(before),
        "series": {},
        "ward_points": pl.DataFrame(),
        "ward_months": None,
        "groups": None,
        "targets": None,
    }
    return overview(**{**arguments, **given})


def test_the_spc_sentence_says_which_way_the_flagged_months_lie_not_the_latest_month():
    icons = spc_icons(SPIKE, "charge_rate_pct", target=None, period=quarter(2026, 3))
    assert (icons.special_sides_in_period, icons.latest_side) == ((1,), 0)
    summary = first_screen([scorecard_row("charge_rate_pct", "Charge rate", 30.0)], [], series={"charge_rate_pct": SPIKE})
    assert summary.spc_changes == ("Charge rate: 1 month of 2026 Q3 outside its usual variation (high).",)


def test_a_series_with_a_hidden_month_has_no_icons():
    """The months left would make a chart of the months with more events: a ward's hidden months are its smallest."""
    hidden = SPIKE.with_columns(value=pl.when(pl.col("cut_value") == "2025-03").then(None).otherwise(pl.col("value")))
    icons = spc_icons(hidden, "charge_rate_pct", target=None, period=quarter(2026, 3))
    assert (icons.variation, icons.assurance, icons.special_sides_in_period) == (None, None, ())
    summary = first_screen([scorecard_row("charge_rate_pct", "Charge rate", 30.0)], [], series={"charge_rate_pct": hidden})
    assert summary.spc_changes == ()


def test_rounding_alone_makes_no_shift():
    # a ward's monthly counts of about 20, rounded to 5, over 1,000 residents: seven months at 20 just above the mean
    counts = [20] * 7 + [15, 25, 15, 20, 15, 25, 20, 15, 20, 25, 15, 20, 15] + [20, 20, 20, 20]
    months = pl.DataFrame({"cut_value": MONTHS, "numerator": counts, "value": [count * 12.0 for count in counts]})
    period = between(date(2024, 10, 1), date(2025, 4, 30))
    assert spc_icons(months, "charge_rate_pct", target=None, period=period).special_sides_in_period
    assert spc_icons(months, "charge_rate_pct", target=None, period=period, rounded_to=5).special_sides_in_period == ()


def test_special_causes_on_both_sides_are_high_and_low():
    both = SPIKE.with_columns(value=pl.when(pl.col("cut_value") == "2026-09").then(-10.0).otherwise(pl.col("value")))
    icons = spc_icons(both, "charge_rate_pct", target=None, period=quarter(2026, 3))
    assert (icons.special_sides_in_period, icons.special_direction) == ((1, -1), "high and low")


def test_outcomes_not_yet_mature_are_listed_not_compared_and_get_no_spc_sentence():
    summary = first_screen(
        [scorecard_row("charge_rate_pct", "Charge rate", 30.0)],
        [scorecard_row("charge_rate_pct", "Charge rate", 10.0)],
        series={"charge_rate_pct": SPIKE},
        immature=frozenset({"charge_rate_pct"}),
    )
    assert (summary.changes.changes, summary.changes.immature, summary.spc_changes) == ((), ("Charge rate",), ())


def test_the_ward_is_set_against_the_funnel_s_district_whatever_ward_the_sidebar_chose():
    greystone_only = [scorecard_row("prevalence_incidents_per_1000", "Incidents", 53.0, unit="per 1,000 residents a year")]
    summary = first_screen(greystone_only, [], ward_points=POINTS)
    assert summary.attention == ("Greystone Park: 53 incidents per 1,000 residents a year, 2.2 times the district's 24.",)


def test_the_page_counts_every_comparison_its_lines_draw_on():
    """The attention lines name a ward from the funnel and a community from the groups: their comparisons are the
    page's too, beside the tiles', when the page says how many flags chance alone would give."""
    from metrics.overdispersion import count_comparisons

    tile = scorecard_row("charge_rate_pct", "Charge rate", 30.0, comparison="worse")
    wards_only_95 = POINTS.with_columns(comparison=pl.Series(["higher", "similar", "higher"]))
    summary = first_screen([tile], [], ward_points=wards_only_95)
    assert count_comparisons(*summary.judged) == count_comparisons(pl.DataFrame([tile]), wards_only_95)
    assert count_comparisons(*summary.judged).comparisons == 4
    # above the 95% limits only, as 1.5 of 30 wards are by chance alone: no ward is named
    assert not [line for line in summary.attention if "Greystone" in line]


def test_the_benchmark_a_figure_is_worse_than_is_written_like_the_figure():
    tiles = pl.DataFrame(
        [
            scorecard_row(
                "charge_rate_pct",
                "Charge rate",
                30.0,
                comparator="England and Wales",
                comparator_value=40.4534,
                comparison="worse_998",
            )
        ]
    )
    assert indicator_attention(tiles, {}) == [
        "Charge rate: 30.0% of charging decisions, worse than the England and Wales (40.5% of charging decisions)."
    ]
