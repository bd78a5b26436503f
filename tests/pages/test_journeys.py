"""The victim journeys page on the sample district: every section shows, the causal caveat is on the
page, a filter change changes the numbers, and the cohort selector switches the journey."""

from __future__ import annotations

import pytest

from metrics.journeys import ASSOCIATION_NOTE
from tests.pages.apptest_tools import figure, open_page, page_text, plotted

PAGE = "pages/journeys.py"
SECTIONS = ["From entry to outcome", "Time to support and time to repeat", "Timing and attrition", "Missed opportunities"]


@pytest.fixture(scope="module")
def district_page(sample_warehouse_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield open_page(monkeypatch, sample_warehouse_path, PAGE)


def test_every_section_shows_without_error(district_page):
    assert [heading.value for heading in district_page.subheader] == SECTIONS
    for key in ("journeys-sankey", "journeys-km-support", "journeys-km-repeat", "journeys-timing", "journeys-missed"):
        assert figure(district_page, key)["data"]
    assert figure(district_page, "journeys-sankey")["data"][0]["type"] == "sankey"


def test_the_association_caveat_is_shown_in_words(district_page):
    assert ASSOCIATION_NOTE in [warning.value for warning in district_page.warning]
    text = page_text(district_page)
    assert "log-rank test" in text
    assert "before the charge decision" in text


def test_a_filter_change_changes_the_numbers(district_page, sample_warehouse_path, monkeypatch):
    male_victims = open_page(monkeypatch, sample_warehouse_path, PAGE, sex="male")
    assert "male" in male_victims.caption[0].value
    assert (
        plotted(figure(male_victims, "journeys-sankey")) != plotted(figure(district_page, "journeys-sankey"))
        or figure(male_victims, "journeys-sankey")["data"][0]["link"]
        != figure(district_page, "journeys-sankey")["data"][0]["link"]
    )


def test_the_cohort_selector_switches_the_journey(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    before = figure(app, "journeys-sankey")["data"][0]["node"]["label"]
    app.selectbox(key="journeys_cohort").select("marac").run()
    assert not app.exception
    after = figure(app, "journeys-sankey")["data"][0]["node"]["label"]
    assert after != before and after[0].startswith("Entered the cohort")


def test_a_selection_too_small_to_show_safely_says_so(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE, period="Month September 2026", ward="E05990025", age_band="16-17")
    assert "not shown: too few people to show safely" in app.info[0].value or "Nobody entered" in app.info[0].value
    assert not app.subheader


def test_without_data_the_page_says_none_is_loaded(tmp_path, monkeypatch):
    app = open_page(monkeypatch, tmp_path / "no-warehouse", PAGE)
    assert app.info[0].value.startswith("No data has been loaded yet")
