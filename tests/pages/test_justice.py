"""The justice page on the sample district: its sections, the shared filters and the cut-by selector
change what it shows, the planted hot-spot (Canal Wharf, E05990025) is named, and empty selections
say what they mean."""

from __future__ import annotations

import polars as pl
import pytest

from tests.pages.apptest_tools import figure, open_page, page_text, plotted, tile_values
from ui import figures_justice

PAGE = "pages/justice.py"
SECTIONS = [
    "From incident to conviction",
    "Why cases are lost",
    "Who drops out, and where",
    "How long each step takes",
    "Charge rate by ward",
]
CANAL_WHARF = "E05990025"


@pytest.fixture(scope="module")
def district_page(sample_warehouse_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield open_page(monkeypatch, sample_warehouse_path, PAGE)


def table(app, first_column: str):
    return next(frame.value for frame in app.dataframe if frame.value.columns[0] == first_column)


def funnel_counts(app) -> list:
    return figure(app, "justice-funnel")["data"][0]["x"]


def test_every_section_shows(district_page):
    assert [heading.value for heading in district_page.subheader] == SECTIONS
    assert len(tile_values(district_page)) == 3
    stages = table(district_page, "Stage")["Stage"].tolist()
    assert stages[0] == "Incidents reported to police" and stages[-1] == "Convicted"
    assert len(table(district_page, "Ward")) == 30
    for key in ("justice-funnel", "justice-conversion", "justice-days", "justice-wards"):
        assert figure(district_page, key)["data"]


def test_the_planted_hot_spot_is_named_in_words(district_page):
    assert "- Canal Wharf charges significantly fewer suspects than the district" in page_text(district_page)
    # lowest charge rate first; a board sees rates from rounded counts, where a small ward's 10 of 20 comes first
    assert "Canal Wharf" in table(district_page, "Ward")["Ward"].iloc[:2].tolist()


def test_a_filter_change_changes_the_numbers_shown(district_page, sample_warehouse_path, monkeypatch):
    male_victims = open_page(monkeypatch, sample_warehouse_path, PAGE, sex="male")
    assert "male" in male_victims.caption[0].value
    assert funnel_counts(male_victims)[0] < funnel_counts(district_page)[0]
    assert plotted(figure(male_victims, "justice-days")) != plotted(figure(district_page, "justice-days"))
    assert tile_values(male_victims) != tile_values(district_page)


def test_choosing_a_ward_cuts_the_page_to_it(district_page, sample_warehouse_path, monkeypatch):
    ward_page = open_page(monkeypatch, sample_warehouse_path, PAGE, ward=CANAL_WHARF)
    assert "Canal Wharf" in ward_page.caption[0].value
    assert funnel_counts(ward_page)[0] < funnel_counts(district_page)[0]
    assert len(table(ward_page, "Ward")) == 30  # every ward is still compared with the district


def test_the_cut_by_selector_changes_the_conversion_table(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    assert set(table(app, "Sex")["Sex"]) >= {figures_justice.ALL_IN_SELECTION, "female", "male"}
    app.selectbox(key="justice_cut").select("ethnicity").run()
    assert not app.exception
    groups = table(app, "Ethnic group")["Ethnic group"].unique().tolist()
    assert groups[0] == figures_justice.ALL_IN_SELECTION
    assert {"asian", "black", "white"} <= set(groups)


def test_a_selection_with_no_cases_says_so(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE, ward=CANAL_WHARF, age_band="75+", ethnicity="mixed")
    assert [note.value for note in app.info] == [
        "No domestic abuse incidents or crimes were recorded for this selection in this period."
    ]
    assert not app.subheader


def test_a_selection_too_small_to_show_safely_says_so(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE, period="Month September 2026", ward=CANAL_WHARF, age_band="16-17")
    assert "not shown: too few people to show safely" in app.info[0].value
    assert not app.subheader


def test_without_data_the_page_says_none_is_loaded(tmp_path, monkeypatch):
    app = open_page(monkeypatch, tmp_path / "no-warehouse", PAGE)
    assert app.info[0].value.startswith("No data has been loaded yet")


def test_a_click_on_a_ward_names_its_code():
    wards = pl.DataFrame({"cut_value": [CANAL_WHARF, "E05990002"], "cut_label": ["Canal Wharf", "Oakenrigg"]})
    assert figures_justice.clicked_ward([{"x": 51.8, "y": "Canal Wharf"}], wards) == CANAL_WHARF
    assert figures_justice.clicked_ward([], wards) is None
    assert figures_justice.clicked_ward([{"x": 72.3, "y": "district"}], wards) is None


def test_the_page_says_how_many_comparisons_it_makes(district_page):
    # the three tiles against their benchmarks and every ward's charge rate against the district, at least
    text = page_text(district_page)
    made = int(text.split("This page makes ")[1].split(" comparison")[0].replace(",", ""))
    assert made >= 30 and "Chance alone would put about" in text
