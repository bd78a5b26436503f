"""Result frames turned into what pages show: tables in words, reading order, filters, trend spans, map clicks."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.aggregate import GroupFilters
from metrics.disclosure import NOT_SHOWN
from metrics.periods import month, rolling_12_months
from metrics.registry import get
from ui.result_views import (
    applicable_groups,
    clicked_ward,
    comparison_summary,
    in_reading_order,
    quarterly_span,
    result_table,
    shown_values,
)


def rows(*cuts: tuple[str, str, float | None, str], comparator: str = "district") -> pl.DataFrame:
    """A small result frame: (cut_value, cut_label, value, comparison) per row."""
    return pl.DataFrame(
        [
            {
                "cut_value": value,
                "cut_label": label,
                "value": number,
                "comparison": comparison,
                "unit": "% of incidents",
                "lower_95": None if number is None else number - 1,
                "upper_95": None if number is None else number + 1,
                "numerator": None if number is None else 20,
                "denominator": 100.0,
                "comparator": comparator,
                "comparison_text": NOT_SHOWN if number is None else f"{comparison} the {comparator}",
                "value_suppressed": number is None,
            }
            for value, label, number, comparison in cuts
        ]
    )


def test_filters_an_indicator_is_not_recorded_by_are_dropped_and_named():
    school = get("school_notified_next_day_pct")  # recorded by ward and period only
    kept, dropped = applicable_groups(school, GroupFilters("E05990001", "female", "25-34", None))
    assert kept == GroupFilters("E05990001", None, None, None)
    assert dropped == ["sex", "age band"]
    assert applicable_groups(get("child_spoken_to_pct"), GroupFilters(sex="male")) == (GroupFilters(sex="male"), [])


def test_a_trend_starts_on_a_whole_quarter_five_years_back():
    assert quarterly_span(rolling_12_months(date(2026, 9, 29))).start == date(2021, 10, 1)
    assert quarterly_span(month(2026, 8)).start == date(2021, 10, 1)
    assert quarterly_span(month(2026, 12)).start == date(2022, 1, 1)
    assert quarterly_span(month(2026, 12)).end == date(2026, 12, 31)


def test_groups_read_in_a_natural_order_with_words_for_codes():
    ages = rows(
        ("5-10", "5-10", 1.0, "similar"),
        ("16-17", "16-17", 2.0, "similar"),
        ("0-4", "0-4", 3.0, "similar"),
        ("75+", "75+", 4.0, "similar"),
        ("unknown", "unknown", 5.0, "similar"),
    )
    assert in_reading_order(ages, "age_band")["cut_value"].to_list() == ["0-4", "5-10", "16-17", "75+", "unknown"]
    sexes = rows(("male", "male", 1.0, "similar"), ("female", "female", 2.0, "similar"))
    assert in_reading_order(sexes, "sex")["cut_label"].to_list() == ["Female", "Male"]
    wards = rows(("E05990002", "Oakenrigg", 1.0, "similar"), ("E05990001", "Hallowmoor", 2.0, "similar"))
    assert in_reading_order(wards, "ward")["cut_label"].to_list() == ["Hallowmoor", "Oakenrigg"]


def test_a_table_says_suppressed_values_in_words():
    table = result_table(
        rows(("E05990001", "Hallowmoor", 40.0, "similar"), ("E05990002", "Oakenrigg", None, "not_compared")), label="ward"
    )
    assert table.columns[:2] == ["ward", "% of incidents"]
    hidden = table.row(1, named=True)
    assert hidden["% of incidents"] is None and hidden["count"] is None
    assert hidden["in words"] == NOT_SHOWN
    assert shown_values(rows(("a", "a", None, "not_compared"))) == 0


def test_the_summary_names_wards_that_differ_and_those_hidden():
    frame = rows(
        ("1", "Hallowmoor", 10.0, "lower_998"),
        ("2", "Greystone Park", 50.0, "higher_998"),
        ("3", "Canal Wharf", 30.0, "higher"),
        ("4", "Oakenrigg", 20.0, "similar"),
        ("5", "Foxclough", None, "not_compared"),
    )
    assert comparison_summary(frame) == (
        "Significantly higher than the district: Greystone Park, Canal Wharf. "
        "Significantly lower: Hallowmoor. "
        "Not shown, too few people to show safely: Foxclough."
    )
    ratio = rows(("1", "Kiln Row", 10.0, "worse"))
    assert comparison_summary(ratio, words={"worse": "below"}) == "Significantly below the district: Kiln Row."
    assert comparison_summary(rows(("1", "Kiln Row", 10.0, "similar"))) == "None is significantly different from the district."


def test_the_summary_names_each_rows_own_comparator_when_they_differ():
    groups = pl.concat(
        [
            rows(("asian", "Asian", 10.0, "worse"), comparator="district (asian)"),
            rows(("white", "White", 12.0, "similar"), comparator="district (white)"),
        ]
    )
    assert comparison_summary(groups) == "Significantly worse than the same group across the district: Asian."


def test_a_map_click_gives_the_ward_code():
    codes = {"E05990001", "E05990002"}
    assert clicked_ward([{"location": "E05990002", "point_index": 1}], codes) == "E05990002"
    assert clicked_ward([{"customdata": ["E05990001"]}], codes) == "E05990001"
    assert clicked_ward([{"location": "somewhere else"}], codes) is None
    assert clicked_ward([], codes) is None
