"""The Overview scorecard and the Definitions page in AppTest."""

from __future__ import annotations

import re
from html import escape

from metrics.registry import all_indicators, headline_indicators
from tests.pages.apptest_tools import SMALL_COUNT, open_page, page_text


def scorecard_cells(app) -> list[str]:
    """The Latest column of the Overview's scorecard, as shown."""
    table = next(element.proto.body for element in app.get("html") if "<table" in element.proto.body)
    return re.findall(r'<td class="ov-nowrap">(?:<strong>)?([^<]*)', table)[::2]


def overview_html(app) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def test_overview_shows_the_scorecard_what_needs_attention_and_what_changed(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, "pages/overview.py")
    html = overview_html(app)
    words = re.sub(r"<[^>]+>", "", html)
    assert all(escape(indicator.title) in words for indicator in headline_indicators())
    assert "Needs the board's attention" in html and "What changed since 2026 Q2" in html
    assert "Greystone Park:" in html and "Asian women:" in html
    assert "No real change in" in html
    assert "usual variation" in html and "ov-icon" in html
    assert "Action plan" in [element.value for element in app.header]


def test_choosing_a_ward_changes_the_numbers(monkeypatch, sample_warehouse_path):
    district = scorecard_cells(open_page(monkeypatch, sample_warehouse_path, "pages/overview.py"))
    ward = scorecard_cells(open_page(monkeypatch, sample_warehouse_path, "pages/overview.py", ward="E05990019"))
    assert district and ward and district != ward


def test_a_narrow_selection_shows_words_not_small_numbers(monkeypatch, sample_warehouse_path):
    app = open_page(
        monkeypatch, sample_warehouse_path, "pages/overview.py", ward="E05990018", age_band="16-17", ethnicity="asian"
    )
    cells = scorecard_cells(app)
    assert "*" in cells
    assert not any(SMALL_COUNT.fullmatch(value) for value in cells)


def test_overview_without_data_says_what_it_means(monkeypatch, tmp_path):
    app = open_page(monkeypatch, tmp_path / "nothing-published", "pages/overview.py")
    assert "No data has been loaded yet" in page_text(app)


def test_definitions_list_every_indicator_and_filter_by_topic(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, "pages/definitions.py")
    labels = [expander.label for expander in app.expander]
    assert labels == [indicator.title for indicator in all_indicators()]
    app.selectbox(key="definitions_topic").set_value("MARAC").run()
    narrowed = [expander.label for expander in app.expander]
    assert narrowed and len(narrowed) < len(labels)
    assert all(indicator.title in narrowed for indicator in all_indicators() if indicator.topic.value == "MARAC")
