"""The dashboard in a real browser: every page loads, filters work, nothing leaves localhost,
and an axe-core scan finds no WCAG 2.x A/AA violations."""

from __future__ import annotations

import os
import re

import pytest

from metrics.registry import get
from oversight.settings import PROJECT_ROOT
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

PAGES = {
    "": "Overview",
    "prevalence": "Prevalence and need",
    "services": "Services and coverage",
    "justice": "Justice and attrition",
    "journeys": "Victim journeys",
    "front_door": "Front door and safeguarding",
    "action_plan": "Action plan",
    "data_quality": "Data and refresh",
    "definitions": "Definitions",
}
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
FIRST_SCREEN = {"width": 1440, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_page(page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_without_an_error(page, app_url, path):
    taking_screenshots = bool(os.environ.get("OVERSIGHT_SCREENSHOTS"))
    if taking_screenshots:  # the Overview as a board member first sees it; other pages whole
        page.set_viewport_size(FIRST_SCREEN if path == "" else {"width": 1400, "height": 1700})
    open_page(page, app_url, path)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name=PAGES[path], exact=True).first.is_visible()
    if taking_screenshots:  # `make screenshots` refreshes the README's pictures
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"), full_page=path != "")
    assert page.requested_hosts <= LOCAL_HOSTS, page.requested_hosts


def choose_in_sidebar(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)  # the list is long and drawn lazily: type to filter it, then choose
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def first_tile_number(page) -> str:
    """The latest value of the scorecard's first indicator."""
    text = page.locator("table.ov-scorecard tbody tr").first.locator("td").first.inner_text().strip()
    assert re.fullmatch(r"[\d,.]+%?|\*", text), text
    return text


def test_the_overview_first_screen_names_the_ward_the_community_the_scorecard_and_what_changed(page, app_url):
    page.set_viewport_size(FIRST_SCREEN)
    open_page(page, app_url, "")

    def on_first_screen(locator) -> bool:
        box = locator.bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"]

    attention = page.locator(".ov-lists section").nth(0)
    assert attention.get_by_role("heading").inner_text() == "Needs the board's attention"
    lines = attention.locator("li").all_inner_texts()
    assert lines[0].startswith("Greystone Park: ") and "times the district" in lines[0]
    assert any(line.startswith("Asian women: ") and "under-reporting" in line for line in lines)
    changed = page.locator(".ov-lists section").nth(1)
    assert changed.get_by_role("heading").inner_text() == "What changed since 2026 Q2"
    steady = r"No real change in \d+ indicators(; \d+ outcome rates? not compared yet \(too recent\))?\."
    assert any(re.fullmatch(steady, line) for line in changed.locator("li").all_inner_texts())
    scorecard = page.locator("table.ov-scorecard")
    headers = scorecard.locator("thead th").all_inner_texts()
    assert headers == [
        "Indicator",
        "Latest",
        "95% interval",
        "Against the benchmark",
        "Variation",
        "Assurance",
        "Target",
        "Owner",
    ]
    assert scorecard.locator(".ov-icon").count() >= 5  # SPC icons, each with its meaning written beside it
    assert "usual variation" in scorecard.inner_text()
    for locator in (attention, changed, scorecard):
        assert on_first_screen(locator), locator


def test_a_filter_changes_a_number_on_screen(page, app_url):
    open_page(page, app_url, "")
    district = first_tile_number(page)
    choose_in_sidebar(page, "Ward", "Greystone Park")
    ward = first_tile_number(page)
    assert ward != district


@pytest.mark.parametrize("path", list(PAGES))
def test_no_wcag_a_or_aa_violations(page, app_url, path):
    from axe_playwright_python.sync_playwright import Axe

    open_page(page, app_url, path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_the_gap_analysis_download_opens_and_matches_the_page(page, app_url, tmp_path):
    import openpyxl

    open_page(page, app_url, "services")
    shown_numbers = {text.strip() for text in page.locator('[data-testid="stMain"] h3').all_inner_texts()}
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("button", name=re.compile("Download the gap analysis")).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)

    workbook = openpyxl.load_workbook(saved, read_only=True)
    assert {"Summary", "Coverage", "Indicators", "Metadata"} <= set(workbook.sheetnames)
    rows = list(workbook["Indicators"].iter_rows(values_only=True))
    header = rows[1]
    title = get("marac_cases_per_10000_women").title
    marac = next(row for row in rows[2:] if row[header.index("Indicator")] == title)
    assert f"{marac[header.index('Value')]:.1f}" in shown_numbers  # the MARAC tile on the page shows the same value
    assert page.requested_hosts <= LOCAL_HOSTS


def test_two_more_idva_fte_in_the_what_if_form_move_the_idva_gap_by_exactly_two(page, app_url):
    open_page(page, app_url, "services")
    page.get_by_label("IDVA full-time equivalents to add (negative to take away)").fill("2")
    page.get_by_role("button", name="Show the scenario").click()
    wait_for_app(page)
    line = page.get_by_text(re.compile(r"^IDVA shortfall for the MARAC cases expected: ")).first
    line.wait_for(timeout=120_000)
    found = re.search(r"(-?[\d.]+) FTE today, (-?[\d.]+) FTE with the scenario \(change ([+-][\d.]+) FTE\)", line.inner_text())
    assert found, line.inner_text()
    today, then, change = (float(value) for value in found.groups())
    assert change == -2.0 and round(then - today, 2) == -2.0
    heard = page.get_by_text(re.compile(r"^IDVA shortfall for the MARAC cases heard: ")).first.inner_text()
    assert "(change -2.00 FTE)" in heard
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_board_pack_downloads_from_the_overview_as_a_pdf(page, app_url, tmp_path):
    open_page(page, app_url, "")
    with page.expect_download(timeout=300_000) as download_info:
        page.get_by_role("button", name=re.compile(r"Download the board pack \(PDF")).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
    assert page.requested_hosts <= LOCAL_HOSTS


def test_the_prevalence_map_names_every_ward_and_a_click_on_a_name_chooses_it(page, app_url, tmp_path):
    """The map's ward names are drawn as SVG text in the page (no glyph server, no network), readable at the page's
    size, and clicking one drills the dashboard to that ward."""
    page.set_viewport_size({"width": 1440, "height": 1400})
    open_page(page, app_url, "prevalence")
    chart = page.locator(".js-plotly-plot").filter(has=page.locator("g.textpoint")).first
    chart.scroll_into_view_if_needed()
    names = [text.strip() for text in chart.locator("g.textpoint text").all_text_contents()]
    assert len(names) >= 20 and "Greystone Park" in names and "Canal Wharf" in names
    label = chart.locator("g.textpoint text", has_text="Greystone Park")
    box = label.bounding_box()
    assert box and box["height"] >= 10 and box["width"] >= 60  # 11 px text, not a speck
    chart.screenshot(path=str(tmp_path / "prevalence-map.png"))
    if os.environ.get("OVERSIGHT_SCREENSHOTS"):
        chart.screenshot(path=str(SCREENSHOTS / "prevalence-map.png"))
    # the names are drawn over their points, and Plotly takes clicks on its drag layer: click where the name is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_app(page)
    ward = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Ward")
    assert "Greystone Park" in ward.inner_text() + " " + ward.locator("input").input_value() + " " + (
        ward.locator("input").get_attribute("aria-label") or ""
    )
    assert page.requested_hosts <= LOCAL_HOSTS, page.requested_hosts
