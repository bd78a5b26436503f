"""The dashboard in a real browser: every page loads, filters work, nothing leaves localhost,
and an axe-core scan finds no WCAG 2.x A/AA violations."""

from __future__ import annotations

import os
import re

import pytest

from oversight.settings import PROJECT_ROOT
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

PAGES = {
    "": "Overview",
    "prevalence": "Prevalence and need",
    "services": "Services and coverage",
    "justice": "Justice and attrition",
    "front_door": "Front door and safeguarding",
    "action_plan": "Action plan",
    "data_quality": "Data and refresh",
    "definitions": "Definitions",
}
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_page(page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_without_an_error(page, app_url, path):
    open_page(page, app_url, path)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name=PAGES[path], exact=True).first.is_visible()
    if os.environ.get("OVERSIGHT_SCREENSHOTS"):  # `make screenshots` refreshes the README's pictures
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"), full_page=True)
    assert page.requested_hosts <= LOCAL_HOSTS, page.requested_hosts


def choose_in_sidebar(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)  # the list is long and drawn lazily: type to filter it, then choose
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def first_tile_number(page) -> str:
    """The big number of the first scorecard tile (tile numbers are the numeric third-level headings)."""
    headings = page.locator('[data-testid="stMain"] h3').all_inner_texts()
    return next(text.strip() for text in headings if re.fullmatch(r"[\d,.]+%?", text.strip()))


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
