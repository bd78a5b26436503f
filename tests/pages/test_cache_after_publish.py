"""Cached results follow the published version: a new publish shows new data without a restart."""

from __future__ import annotations

from pipeline.refresh import refresh
from tests.drops import incidents_csv, write_tiny_drop
from tests.pages.apptest_tools import open_page, scorecard_values


def test_the_overview_shows_new_data_after_a_publish(monkeypatch, tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "first"), warehouse=settings.warehouse, settings=settings)
    before = scorecard_values(open_page(monkeypatch, settings.warehouse, "pages/overview.py"))

    more = tmp_path / "second"
    more.mkdir()
    # in the quarter the Overview shows (the latest complete one, 2025 Q1)
    rows = [
        f"MORE{number},2025-03-1{number}T10:00,E05990001,,VM{number},female,25-34,white,standard,2,0,,no," for number in range(8)
    ]
    (more / "police_incidents_more.csv").write_text(incidents_csv(rows))
    refresh(more, warehouse=settings.warehouse, settings=settings)
    after = scorecard_values(open_page(monkeypatch, settings.warehouse, "pages/overview.py"))

    assert before and after and before != after
