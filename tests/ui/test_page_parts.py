"""The pure pieces of the Prevalence and need and the Front door pages, and their figure builders."""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics.definitions import Topic
from metrics.disclosure import NOT_SHOWN
from metrics.funnel import rate_funnel
from metrics.registry import get
from ui import page_parts_front_door as front_door
from ui import page_parts_prevalence as prevalence
from ui.figures_front_door import programme_stages_chart
from ui.figures_wards import funnel_with_ward, map_with_ward, ordered_interval_chart
from ui.result_views import clicked_ward

GEOMETRY = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": code,
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-2.2 + offset, 54.1], [-2.19 + offset, 54.1], [-2.19 + offset, 54.11], [-2.2 + offset, 54.1]]],
            },
        }
        for offset, code in ((0.0, "E05990001"), (0.01, "E05990002"))
    ],
}


def wards(values: list[float | None], comparisons: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "cut_value": ["E05990001", "E05990002"],
            "cut_label": ["Hallowmoor", "Oakenrigg"],
            "value": values,
            "lower_95": [v and v - 1 for v in values],
            "upper_95": [v and v + 1 for v in values],
            "comparison": comparisons,
            "comparator": ["district"] * 2,
            "comparator_value": [20.0] * 2,
            "numerator": [100, None],
            "denominator": [5000.0, 4000.0],
            "unit": ["per 1,000"] * 2,
        },
        schema_overrides={"value": pl.Float64, "lower_95": pl.Float64, "upper_95": pl.Float64},
    )


def groups(values: list[float | None], below: list[bool]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "group": ["Asian women", "White men"],
            "value": values,
            "comparator_value": [47.0, 47.0],
            "is_below_district": below,
            "value_suppressed": [value is None for value in values],
        },
        schema_overrides={"value": pl.Float64},
    )


def test_the_prevalence_page_offers_its_topic_and_the_reporting_ratio():
    choices = prevalence.indicator_choices()
    assert all(get(indicator_id).topic is Topic.PREVALENCE for indicator_id in list(choices)[:-1])
    assert list(choices)[-1] == "hidden_need_reporting_ratio"
    assert choices["prevalence_incidents_per_1000"] == get("prevalence_incidents_per_1000").title


def test_hidden_need_words_name_the_groups_below_the_district():
    text = prevalence.hidden_need_summary(groups([36.4, 50.0], [True, False]), place="the district")
    assert "police know of 47 victims for every 100" in text
    assert text.endswith("in the district: Asian women (36 per 100).")
    assert "No group in Kiln Row is significantly below" in prevalence.hidden_need_summary(
        groups([50.0, 60.0], [False, False]), place="Kiln Row"
    )
    assert prevalence.hidden_need_summary(groups([36.4, 50.0], [True, False]), place="Kiln Row", age_band="20-24").startswith(
        "Across the district, among people aged 20-24, police know of 47"
    )
    assert "can be shown" in prevalence.hidden_need_summary(groups([None, None], [False, False]), place="Kiln Row")
    assert prevalence.hidden_groups_note(groups([None, 50.0], [False, False])) == f"1 group is {NOT_SHOWN}."
    assert prevalence.hidden_groups_note(groups([40.0, 50.0], [False, False])) is None


def test_the_front_door_marks_the_chosen_ward():
    marked = front_door.mark_chosen_ward(wards([20.0, 25.0], ["similar", "higher"]), "E05990002")
    assert marked["cut_label"].to_list() == ["Hallowmoor", "Oakenrigg (chosen ward)"]
    assert front_door.mark_chosen_ward(wards([20.0, 25.0], ["similar", "higher"]), None)["cut_label"][1] == "Oakenrigg"


def programmes(offered: int | None, started: int | None, completed: int | None) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "programme_name": "Choices",
                "provider": "Fresh Start",
                "n_offered": offered,
                "n_started": started,
                "n_completed": completed,
                "n_disengaged": 10,
                "start_pct": 75.0 if started else None,
                "completion_pct": 54.0 if completed else None,
                "completion_pct_lower_95": 36.0,
                "completion_pct_upper_95": 70.0,
                "completed_pct_of_offered": 15.0 if completed else None,
            }
        ],
        schema_overrides={
            "n_offered": pl.Int64,
            "n_started": pl.Int64,
            "n_completed": pl.Int64,
            "start_pct": pl.Float64,
            "completion_pct": pl.Float64,
            "completed_pct_of_offered": pl.Float64,
        },
    )


def test_programmes_read_from_offer_to_completion_in_words():
    [sentence] = front_door.programme_summary(programmes(100, 75, 15))
    assert sentence == (
        "Choices: of about 100 perpetrators offered a place, 75 (75%) started and 15 (15%) have completed "
        "so far. Of those whose programme has ended, 54% completed it."
    )
    [hidden] = front_door.programme_summary(programmes(20, 15, None))
    assert NOT_SHOWN in hidden
    assert front_door.programme_summary(programmes(None, None, None)) == [f"Choices: {NOT_SHOWN}."]
    table = front_door.programme_table(programmes(20, 15, None))
    assert table["completed"].to_list() == [None] and NOT_SHOWN in table["note"][0]


def test_the_programme_chart_labels_hidden_counts_in_words():
    stages = front_door.programme_stages(programmes(20, 15, None))
    assert stages["stage"].to_list() == ["offered a place", "started", "completed"]
    bars = programme_stages_chart(stages, title="Programmes").data[0]
    assert list(bars.x) == [20, 15, 0]
    assert list(bars.text) == ["20", "15", NOT_SHOWN]


def test_interval_rows_keep_the_frames_order_whatever_their_comparison():
    figure = ordered_interval_chart(wards([20.0, 25.0], ["higher", "similar"]), title="t", unit="u")
    assert list(figure.layout.yaxis.categoryarray) == ["Hallowmoor", "Oakenrigg"]


def test_the_chosen_ward_is_ringed_on_the_funnel_and_outlined_on_the_map():
    frame = wards([20.0, 25.0], ["similar", "higher"])
    limits = rate_funnel(np.array([3000.0, 6000.0]), district_count=100, district_denominator=5000)
    funnel = funnel_with_ward(frame, limits, title="t", unit="u", denominator_label="d", ward_code="E05990002")
    assert funnel.data[-1].name == "Oakenrigg (chosen ward)" and list(funnel.data[-1].y) == [25.0]
    plain = funnel_with_ward(frame, limits, title="t", unit="u", denominator_label="d", ward_code=None)
    assert not any("chosen" in (trace.name or "") for trace in plain.data)
    ward_map = map_with_ward(frame, GEOMETRY, title="t", unit="u", ward_code="E05990001")
    assert {trace.type for trace in ward_map.data} == {"scatter"}  # plain axes: no tiles, no glyph server
    (outline,) = [trace for trace in ward_map.data if trace.name == "chosen ward"]
    assert outline.line.width == 4 and min(outline.x) == -2.2  # Hallowmoor's boundary
    (names,) = [trace for trace in ward_map.data if trace.name == "ward names"]
    assert list(names.text) == ["Hallowmoor", "Oakenrigg"] and [code for (code,) in names.customdata] == [
        "E05990001",
        "E05990002",
    ]
    assert clicked_ward([{"customdata": ["E05990002"]}], {"E05990001", "E05990002"}) == "E05990002"


def test_empty_cells_on_the_data_page_are_blank_not_none():
    from datetime import datetime

    import polars as pl

    from ui.figures_data_quality import blank_empty_cells

    table = pl.DataFrame(
        {
            "Source": ["Police", None],
            "Days": [3, None],
            "Rows": [10, 20],
            "At": [datetime(2026, 9, 29, 1, 2), None],
            "Late": [True, None],
        }
    )
    assert blank_empty_cells(table).rows() == [("Police", "3", 10, "2026-09-29 01:02", "yes"), ("", "", 20, "", "")]


def test_children_s_age_bands_that_count_nobody_are_left_off_an_adult_rate():
    import polars as pl

    from ui.page_parts_prevalence import without_uncounted_child_bands

    cut = pl.DataFrame({"cut_value": ["0-4", "5-10", "11-15", "16-17", "18-19"], "numerator": [0, 0, 0, 40, 60]})
    kept, left_off = without_uncounted_child_bands(cut)
    assert kept["cut_value"].to_list() == ["16-17", "18-19"] and left_off == ["0-4", "5-10", "11-15"]
    counted = cut.with_columns(numerator=pl.Series([0, 5, 0, 40, 60]))
    assert without_uncounted_child_bands(counted) == (counted, [])  # an indicator that counts children keeps them


def ward_rates(values: list[float | None], names: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"cut_value": [f"E0599{index:04d}" for index in range(len(values))], "cut_label": names, "value": values},
        schema_overrides={"value": pl.Float64},
    )


def test_wards_are_compared_on_the_standardised_rate_while_most_wards_have_one():
    crude = ward_rates([20.0, 21.0, 22.0, 23.0], ["A", "B", "C", "D"])
    assert prevalence.standardised_by_default(ward_rates([19.0, 20.0, None, None], ["A", "B", "C", "D"]), crude)
    assert not prevalence.standardised_by_default(ward_rates([19.0, None, None, None], ["A", "B", "C", "D"]), crude)


def test_the_basis_caption_names_the_wards_without_a_standardised_rate_and_why():
    crude = ward_rates([20.0, 21.0, None], ["A", "B", "C"])  # C has no crude rate either
    standardised = ward_rates([19.0, None, None], ["A", "B", "C"])
    measure = "prevalence_incidents_per_1000"
    words = prevalence.basis_caption(prevalence.STANDARDISED_BASIS, standardised, crude, indicator_id=measure)
    assert "compare wards on the age-standardised rate" in words
    assert "No age-standardised rate can be shown safely for B (a small count in one of the broad age bands)" in words
    fallback = prevalence.basis_caption(
        prevalence.CRUDE_BASIS, ward_rates([None, None, None], ["A", "B", "C"]), crude, indicator_id=measure
    )
    assert fallback.endswith(
        "cannot be shown safely for 2 of the wards (a small count in a broad age band), so the crude rate is shown by default."
    )
    assert prevalence.basis_caption(prevalence.CRUDE_BASIS, None, crude, indicator_id=measure, age_band="25-34").endswith(
        "within one age band (25-34) no age standardisation is needed."
    )
    assert prevalence.basis_caption(prevalence.CRUDE_BASIS, None, crude, indicator_id="dash_high_risk_pct") is None
    assert not prevalence.standardisable("prevalence_incidents_per_1000", "25-34")
    assert prevalence.standardisable("prevalence_incidents_per_1000", None)
    assert not prevalence.standardisable("hidden_need_reporting_ratio", None)


def test_a_ward_without_a_standardised_rate_keeps_its_crude_rate_and_says_why():
    crude = ward_rates([20.0, 21.0], ["A", "B"])
    standardised = ward_rates([19.0, None], ["A", "B"]).with_columns(
        lower_95=pl.Series([17.0, None]),
        upper_95=pl.Series([21.0, None]),
        comparison_text=pl.Series(["similar to the district (age-standardised)", None], dtype=pl.String),
    )
    table = prevalence.crude_and_standardised_table(crude, standardised)
    assert table.row(1, named=True) == {
        "ward": "B",
        "crude rate": 21.0,
        "age-standardised rate": None,
        "95% CI lower": None,
        "95% CI upper": None,
        "comparison": prevalence.NO_STANDARDISED_RATE,
    }
    assert table["comparison"][0] == "similar to the district (age-standardised)"


def test_the_standardised_rates_say_how_many_events_of_unknown_age_they_leave_out():
    age_cut = pl.DataFrame({"cut_value": ["16-17", "unknown"], "numerator": [555, 215]})
    assert prevalence.unknown_age_words(age_cut, "the district").endswith(
        "left out of the age-standardised rates: 215 in the district (the 'unknown' band of the age chart)."
    )
    hidden = pl.DataFrame({"cut_value": ["unknown"], "numerator": [None]}, schema_overrides={"numerator": pl.Int64})
    assert NOT_SHOWN in prevalence.unknown_age_words(hidden, "Kiln Row")
    assert prevalence.unknown_age_words(None, "the district").endswith("left out of the age-standardised rates.")


def test_the_standardised_table_drops_the_columns_the_board_rule_leaves_empty_and_says_why_a_rate_is_missing():
    frame = pl.DataFrame(
        {
            "ward_name": ["District", "A", "B"],
            "events": [None, None, None],
            "events_of_unknown_age": [None, None, None],
            "crude": [None, None, None],
            "standardised": [20.0, 21.456, None],
            "standardised_lower_95": [19.0, 18.0, None],
            "standardised_upper_95": [21.0, 25.0, None],
            "comparison": ["not compared", "similar", "not compared"],
            "value_suppressed": [False, False, True],
        },
        schema_overrides={"events": pl.Float64, "events_of_unknown_age": pl.Float64, "crude": pl.Float64},
    )
    table = prevalence.standardised_table(frame)
    assert table.columns == ["ward", "age-standardised rate", "95% CI lower", "95% CI upper", "comparison"]
    assert table.row(1) == ("A", 21.46, 18.0, 25.0, "similar")
    assert table["comparison"][2] == prevalence.NO_STANDARDISED_RATE
    # an analyst's exact view keeps every column
    exact = prevalence.standardised_table(
        frame.with_columns(events=pl.lit(30.0), events_of_unknown_age=pl.lit(1.0), crude=pl.lit(2.0))
    )
    assert exact.columns[:4] == ["ward", "events", "of unknown age (left out)", "crude rate"]
