"""The Prevalence and need page on the sample district: its sections, the offline map, filters that
change the figures, and what it says when there is no data or too few people to show."""

from __future__ import annotations

import pytest

from metrics.disclosure import NOT_SHOWN
from tests.pages.apptest_tools import figure, open_page, page_text, plotted, shown_counts, tile_values

PAGE = "pages/prevalence.py"
SECTIONS = [
    "Where: wards compared with the district",
    "Over time",
    "Who: sex, age band and ethnic group",
    "Wards compared after allowing for their ages",
    "Hidden need: known victims against those the survey predicts",
]
GREYSTONE_PARK = "E05990019"


@pytest.fixture(scope="module")
def district_page(sample_warehouse_path, request):
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield open_page(monkeypatch, sample_warehouse_path, PAGE)


def test_the_page_shows_every_section_without_error(district_page):
    assert [title.value for title in district_page.title] == ["Prevalence and need"]
    assert [heading.value for heading in district_page.subheader] == SECTIONS
    assert tile_values(district_page)[0] not in ("", "*")


def test_every_chart_has_alt_text_a_table_and_a_download(district_page):
    charts = district_page.get("plotly_chart")
    assert len(charts) == 9  # map, funnel, trend, three breakdowns, age-standardised wards, two hidden-need charts
    assert all(chart.proto.alt for chart in charts)
    assert len(district_page.dataframe) == len(charts)
    assert len(district_page.get("download_button")) == len(charts)


def test_the_map_names_every_ward_on_plain_axes(district_page):
    spec = figure(district_page, "prevalence-map-")
    assert {trace["type"] for trace in spec["data"]} == {"scatter"}  # no map tiles, so nothing is fetched
    names = next(trace for trace in spec["data"] if trace.get("name") == "ward names")
    assert len(names["text"]) == 30 and len({code for (code,) in names["customdata"]}) == 30
    assert any(name.startswith("Greystone Park: ") for name in names["hovertext"])


def test_the_funnel_and_the_words_pick_out_the_rising_ward(district_page):
    funnel = figure(district_page, "prevalence-funnel-")
    names = [trace.get("name") for trace in funnel["data"]]
    # the sample's wards vary far more than chance allows, so the chart says its limits are widened for it
    assert "99.8% limits (widened for overdispersion)" in names and "95% limits (widened for overdispersion)" in names
    assert any("overdispersion" in annotation["text"] for annotation in funnel["layout"]["annotations"])
    # wards are compared on the age-standardised rate by default (every sample ward has one under the board's rule)
    higher = page_text(district_page).split("Significantly higher than the district (age-standardised):")[1].split(".")[0]
    assert higher.strip() == "Greystone Park"  # the one ward beyond the widened limits


def test_the_page_says_how_many_comparisons_it_makes(district_page):
    text = page_text(district_page)
    assert "This page makes " in text and "Chance alone would put about" in text


def test_hidden_need_says_which_groups_report_significantly_less(district_page):
    text = page_text(district_page)
    below = text.split("Significantly fewer are known among these groups in the district:")[1].split("\n")[0]
    assert "Asian women" in below
    assert "Black women" not in below


def test_choosing_a_sex_changes_the_figures(sample_warehouse_path, district_page, monkeypatch):
    women = open_page(monkeypatch, sample_warehouse_path, PAGE, sex="female")
    for key in ("prevalence-trend", "prevalence-funnel-", "prevalence-map-", "prevalence-age_band"):
        assert plotted(figure(women, key)) != plotted(figure(district_page, key)), key
    assert "female" in page_text(women)


def test_choosing_a_ward_narrows_the_trend_and_rings_the_ward(sample_warehouse_path, district_page, monkeypatch):
    ward = open_page(monkeypatch, sample_warehouse_path, PAGE, ward=GREYSTONE_PARK)
    trend = figure(ward, "prevalence-trend")
    assert "Greystone Park" in trend["layout"]["title"]["text"]
    assert plotted(trend) != plotted(figure(district_page, "prevalence-trend"))
    ringed = [trace for trace in figure(ward, "prevalence-map-")["data"] if trace.get("name") == "chosen ward"]
    assert ringed and not [
        trace for trace in figure(district_page, "prevalence-map-")["data"] if trace.get("name") == "chosen ward"
    ]
    assert any("chosen ward" in trace.get("name", "") for trace in figure(ward, "prevalence-funnel-")["data"])


def test_a_count_measure_says_why_it_has_no_funnel(district_page):
    district_page.selectbox(key="prevalence_indicator").set_value("honour_based_abuse_count").run()
    assert not district_page.exception
    assert "is a count with no denominator" in page_text(district_page)
    district_page.selectbox(key="prevalence_indicator").set_value("hidden_need_reporting_ratio").run()
    assert "counted over the whole period only, so it has no trend" in page_text(district_page)
    assert figure(district_page, "prevalence-funnel-hidden_need")["data"][0]["type"] == "scatter"
    district_page.selectbox(key="prevalence_indicator").set_value("prevalence_incidents_per_1000").run()


def test_with_nothing_published_the_page_says_so(tmp_path, monkeypatch):
    app = open_page(monkeypatch, tmp_path / "no-warehouse", PAGE)
    assert "No data has been loaded yet" in page_text(app)
    assert not app.get("plotly_chart")


def test_a_narrow_selection_shows_words_not_small_numbers(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE, ward="E05990001", age_band="25-34", ethnicity="mixed")
    assert tile_values(app)[0] == "*"
    assert NOT_SHOWN in page_text(app)
    assert not [count for count in shown_counts(app) if 1 <= count <= 7]


def test_wards_are_compared_on_age_standardised_rates(district_page):
    text = page_text(district_page)
    assert "European Standard Population 2013" in text
    # the board sees the wards whose counts by age are large enough to show; Greystone Park stands out
    section = text.split("Wards compared after allowing for their ages")[1]
    assert "Greystone Park" in section.split("Significantly higher than the district (age-standardised):")[1].split(".")[0]


def test_wards_are_compared_on_the_rate_the_page_names(district_page):
    basis = district_page.radio(key="prevalence_basis_prevalence_incidents_per_1000")
    assert basis.options == ["age-standardised rate", "crude rate"]
    # on the broad age bands every sample ward's standardised rate passes the board's rule, so it is the default
    assert basis.value == "age-standardised rate"
    text = page_text(district_page)
    assert f"Shown: the {basis.value}." in text
    assert "No age-standardised rate can be shown safely for" not in text
    shown_first = basis.value
    try:
        standardised = basis.set_value("age-standardised rate").run()
        assert "compare wards on the age-standardised rate" in page_text(standardised)
        title = figure(standardised, "prevalence-funnel-")["layout"]["title"]["text"]
        assert "age-standardised, wards against the district" in title
        assert "Shown: the age-standardised rate." in page_text(standardised)
    finally:  # the page is shared by this module's tests
        district_page.radio(key="prevalence_basis_prevalence_incidents_per_1000").set_value(shown_first).run()


def test_among_men_wards_without_a_standardised_rate_are_named_with_their_crude_rate(sample_warehouse_path, monkeypatch):
    men = open_page(monkeypatch, sample_warehouse_path, PAGE, sex="male")
    text = page_text(men)
    # a third of the wards have too few men in a broad age band to standardise safely: still compared on the
    # standardised rate, those wards are named, grey on the map, and keep their crude rate in the table
    assert men.radio(key="prevalence_basis_prevalence_incidents_per_1000").value == "age-standardised rate"
    named = text.split("No age-standardised rate can be shown safely for ")[1].split(" (a small count")[0].split(", ")
    assert 0 < len(named) < 15
    map_table = next(frame.value for frame in men.dataframe if "age-standardised rate" in frame.value.columns)
    without = map_table[map_table["age-standardised rate"].isna()]
    assert sorted(without["ward"]) == sorted(named) and without["crude rate"].notna().all()
    assert "Events of unknown age cannot be placed in an age band" in text
