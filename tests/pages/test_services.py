"""The Services and coverage page: every section draws, maps stay offline, filters change it, small numbers are words."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from oversight.settings import PROJECT_ROOT

SECTIONS = [
    "What to take to the commissioning round",
    "What if",
    "Where services are",
    "Coverage by ward and client group",
    "IDVA capacity",
    "MARAC against SafeLives levels",
    "Service outcomes and capacity against demand",
]
NOT_SHOWN = "not shown: too few people to show safely"
NORTHERN_WARD = "E05990003"  # Kestrel Edge
A_RECENT_MONTH = "Month August 2026"  # the sample's data end in September 2026


def open_services(monkeypatch, warehouse, **filters: str) -> AppTest:
    """The page with `filters` (sidebar widget keys) chosen in the shared sidebar.

    Only AppTest's first run goes through the router that draws the sidebar (later runs and
    switch_page run the page file on its own), so the filters are set before it, and the page
    reads them from session state as it does in use.
    """
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in filters.items():
        app.session_state[key] = value
    app.run()
    return app.switch_page("pages/services.py").run()


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def heatmap(app: AppTest) -> dict:
    return next(trace for spec in figures(app) for trace in spec["data"] if trace["type"] == "heatmap")


def text(app: AppTest) -> str:
    return "\n".join(element.value for kind in ("markdown", "caption", "info") for element in app.get(kind))


@pytest.fixture
def services(monkeypatch, sample_warehouse_path) -> AppTest:
    return open_services(monkeypatch, sample_warehouse_path)


def test_every_section_draws_without_error(services):
    assert not services.exception
    assert [header.value for header in services.header] == SECTIONS
    assert "The gaps in words" in [subheader.value for subheader in services.subheader]
    assert any(button.label.startswith("Download the gap analysis") for button in services.get("download_button"))
    assert "No service for men in 9 wards" in text(services)  # the sample's planted gap, in words


def test_the_service_map_is_drawn_offline(services):
    service_map = figures(services)[0]
    assert {trace["type"] for trace in service_map["data"]} == {"choroplethmap", "scattermap"}
    assert service_map["layout"]["map"]["style"] == "white-bg"
    assert all(
        trace["type"] not in ("choropleth", "scattergeo", "scattermapbox") for spec in figures(services) for trace in spec["data"]
    )


def test_choosing_a_ward_narrows_the_page_to_it(services, monkeypatch, sample_warehouse_path):
    assert len(heatmap(services)["y"]) == 30
    ward = open_services(monkeypatch, sample_warehouse_path, filter_ward=NORTHERN_WARD)
    assert not ward.exception
    assert heatmap(ward)["y"] == ["Kestrel Edge"]
    assert "for Kestrel Edge" in ward.caption[0].value
    assert "No service for men in Kestrel Edge" in text(ward)


def test_small_numbers_are_said_in_words(monkeypatch, sample_warehouse_path):
    app = open_services(monkeypatch, sample_warehouse_path, filter_ward=NORTHERN_WARD, filter_period=A_RECENT_MONTH)
    assert not app.exception
    assert "Aug 2026 for Kestrel Edge" in app.caption[0].value
    assert NOT_SHOWN in text(app)
    assert any("*" in cell for row in heatmap(app)["text"] for cell in row)


def test_without_data_the_page_says_so(monkeypatch, tmp_path):
    app = open_services(monkeypatch, tmp_path / "no-warehouse")
    assert not app.exception
    assert "No data has been loaded yet" in app.info[0].value
    assert not app.get("plotly_chart")


def test_the_page_leads_with_the_biggest_gaps_the_risks_and_both_idva_figures(services):
    lead = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", services.markdown[0].value)  # as a reader sees it
    first = lead.splitlines()[0]
    assert re.match(r"- [A-Z][\w' ]+, [\w ,+]+: about [\d,]+ people not reached \(95% interval [\d,]+ to [\d,]+\)", first), first
    assert "could" in first  # names the service that could extend or grow
    overload = re.search(
        r"Men's Support Service: contract ends on 31 December 2026, within 6 months of the data date "
        r"\([^)]*\); referrals at (\d+)% of its places",
        lead,
    )
    assert overload and int(overload.group(1)) > 250, lead  # the sample's men's service takes nearly three times its places
    # both IDVA figures: for the MARAC cases expected and for those heard, each with its shortfall
    assert re.search(
        r"needs [\d.]+ for the [\d,]+ MARAC cases expected \(shortfall [\d.]+ FTE\) and [\d.]+ for the "
        r"[\d,]+ cases MARAC heard \(shortfall [\d.]+ FTE\)",
        lead,
    ), lead


def test_the_what_if_form_sets_a_scenario_against_today(services):
    services.number_input(key="whatif-idva-fte").set_value(2.0)
    services.multiselect(key="whatif-idva-wards").set_value(["Hallowmoor", "Oakenrigg"])
    app = next(button for button in services.button if button.label == "Show the scenario").click().run()
    assert not app.exception
    said = text(app)
    assert "IDVA FTE registered: 9.00 FTE today, 11.00 FTE with the scenario (change +2.00 FTE)." in said
    for needed_for in ("expected", "heard"):
        found = re.search(
            rf"IDVA shortfall for the MARAC cases {needed_for}: (-?[\d.]+) FTE today, (-?[\d.]+) FTE with "
            r"the scenario \(change -2.00 FTE\)\.",
            said,
        )
        assert found and round(float(found.group(2)) - float(found.group(1)), 2) == -2.0, said
    assert "Add 2 full-time IDVAs in Hallowmoor and Oakenrigg" in said


def test_the_page_says_how_many_comparisons_it_makes(services):
    assert "This page makes " in text(services) and "Chance alone would put about" in text(services)
