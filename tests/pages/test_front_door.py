"""The Front door and safeguarding page on the sample district: tiles, ward comparisons and trends,
perpetrator programmes, filters that change the figures, and the empty and suppressed states."""

from __future__ import annotations

import pytest

from metrics.disclosure import NOT_SHOWN
from tests.pages.apptest_tools import figure, open_page, page_text, plotted, shown_counts, tile_values
from ui.page_parts_front_door import MEASURES, TILES

PAGE = "pages/front_door.py"
SECTIONS = ["At a glance", "By ward and over time", "Perpetrator interventions"]
CANAL_WHARF = "E05990025"


@pytest.fixture(scope="module")
def district_page(sample_warehouse_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield open_page(monkeypatch, sample_warehouse_path, PAGE)


def test_the_page_shows_every_section_and_a_tile_per_measure(district_page):
    assert [title.value for title in district_page.title] == ["Front door and safeguarding"]
    assert [heading.value for heading in district_page.subheader] == SECTIONS
    values = tile_values(district_page)
    assert len(values) == len(TILES)
    assert all(value not in ("", "*") for value in values)
    labels = [tab.label for tab in district_page.tabs]
    assert [label for label in labels if label in MEASURES.values()] == list(MEASURES.values())


def test_each_measure_has_a_ward_comparison_and_a_trend_where_it_allows(district_page):
    for indicator_id in MEASURES:
        wards = figure(district_page, f"front-door-wards-{indicator_id}")
        plotted_wards = {label for trace in wards["data"] for label in trace["y"]}
        assert len(plotted_wards) >= 25  # a ward with too few people is named in words instead
    trends = [chart for chart in district_page.get("plotly_chart") if "front-door-trend-" in chart.proto.id]
    assert len(trends) == 4  # the repeat-incident measure is counted over the whole period only
    assert "counted over the whole period only" in page_text(district_page)


def test_every_chart_has_alt_text_a_table_and_a_download(district_page):
    charts = district_page.get("plotly_chart")
    assert all(chart.proto.alt for chart in charts)
    assert len(district_page.dataframe) == len(charts)
    assert len(district_page.get("download_button")) == len(charts)


def test_perpetrator_programmes_go_from_offer_to_completion(district_page):
    bars = figure(district_page, "front-door-programmes")["data"][0]
    assert bars["y"] == ["offered a place", "started", "completed"]
    offered, started, completed = bars["x"]
    assert offered >= started >= completed > 0
    assert "perpetrators offered a place" in page_text(district_page)


def test_choosing_a_ward_narrows_the_trends_and_marks_the_ward(sample_warehouse_path, district_page, monkeypatch):
    ward = open_page(monkeypatch, sample_warehouse_path, PAGE, ward=CANAL_WHARF)
    trend = figure(ward, "front-door-trend-child_spoken_to_pct")
    assert "Canal Wharf" in trend["layout"]["title"]["text"]
    assert plotted(trend) != plotted(figure(district_page, "front-door-trend-child_spoken_to_pct"))
    labels = {label for trace in figure(ward, "front-door-wards-child_spoken_to_pct")["data"] for label in trace["y"]}
    assert "Canal Wharf (chosen ward)" in labels


def test_a_sex_filter_applies_where_recorded_and_says_where_not(sample_warehouse_path, district_page, monkeypatch):
    women = open_page(monkeypatch, sample_warehouse_path, PAGE, sex="female")
    key = "front-door-wards-high_risk_referred_to_marac_pct"
    assert plotted(figure(women, key)) != plotted(figure(district_page, key))
    assert "Not recorded by sex, so that filter does not apply here." in page_text(women)
    school = "front-door-wards-school_notified_next_day_pct"
    assert plotted(figure(women, school)) == plotted(figure(district_page, school))


def test_with_nothing_published_the_page_says_so(tmp_path, monkeypatch):
    app = open_page(monkeypatch, tmp_path / "no-warehouse", PAGE)
    assert "No data has been loaded yet" in page_text(app)
    assert not app.get("plotly_chart")


def test_a_narrow_selection_shows_words_not_small_numbers(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE, ward=CANAL_WHARF, age_band="25-34", ethnicity="asian")
    values = tile_values(app)
    assert values[TILES.index("repeat_3plus_not_marac_count")] == "*"  # the count of victims, too few to show
    assert NOT_SHOWN in page_text(app)
    assert not [count for count in shown_counts(app) if 1 <= count <= 7]


def test_the_page_says_how_many_comparisons_it_makes(district_page):
    text = page_text(district_page)
    made = int(text.split("This page makes ")[1].split(" comparison")[0].replace(",", ""))
    assert made >= 30 * len(MEASURES) // 2 and "Chance alone would put about" in text
