"""The Overview scorecard and the Definitions page in AppTest."""

from __future__ import annotations

from metrics.registry import all_indicators, headline_indicators
from tests.pages.apptest_tools import SMALL_COUNT, open_page, page_text, tile_values


def test_overview_shows_a_tile_per_headline_indicator_and_the_action_plan(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, "pages/overview.py")
    text = page_text(app)
    titles = [indicator.title for indicator in headline_indicators()]
    assert all(title in text for title in titles)
    assert {"Prevalence and pattern", "Justice and attrition"} <= {element.value for element in app.subheader}
    assert "Action plan" in [element.value for element in app.header] + [element.value for element in app.subheader]
    assert "Data as at the last successful refresh" in text


def test_choosing_a_ward_changes_the_numbers(monkeypatch, sample_warehouse_path):
    district = tile_values(open_page(monkeypatch, sample_warehouse_path, "pages/overview.py"))
    ward = tile_values(open_page(monkeypatch, sample_warehouse_path, "pages/overview.py", ward="E05990019"))
    assert district and ward and district != ward


def test_a_narrow_selection_shows_words_not_small_numbers(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, "pages/overview.py",
                    ward="E05990018", age_band="16-17", ethnicity="asian")
    tiles = tile_values(app)
    assert "*" in tiles and "not shown: too few people to show safely" in page_text(app)
    assert not any(SMALL_COUNT.fullmatch(value) for value in tiles)


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
