"""The Action plan page on the sample district, the page with no plan loaded, and the plan on the overview."""

from __future__ import annotations

import re

import pytest

from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop
from tests.pages.apptest_tools import figure, open_page, page_text

PAGE = "pages/action_plan.py"
NO_PLAN = "No action plan has been loaded: an analyst adds action_plan.yaml to the nightly drop."


@pytest.fixture(scope="module")
def warehouse_without_plan(tmp_path_factory):
    root = tmp_path_factory.mktemp("no_plan")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def listed_targets(app) -> list[str]:
    """Each target's id, as its expander's label shows it (escaped, as text from the plan always is)."""
    return [re.sub(r"\\(.)", r"\1", expander.label).split(" · ")[0] for expander in app.expander]


def test_the_page_shows_the_summary_and_every_target(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    text = page_text(app)
    assert "Protection: 5 targets, all SMART" in text and "Across the plan: 19 targets" in text
    assert "Targets off track" in text and "PROT-04 (Chief Inspector, Safeguarding, West Pennine Police)" in text
    assert len(listed_targets(app)) == 19
    table = app.dataframe[0].value
    assert table["Target"].tolist()[:2] == ["PREV-01", "PREV-02"] and {"Status", "SMART", "Owner"} <= set(table.columns)
    failing = dict(zip(table["Target"], table["SMART"], strict=True))
    assert failing["PROV-04"].startswith("✖ no: specific: no named owner answers for it")
    assert failing["PROT-04"] == "✔ yes"


def test_filtering_by_priority_changes_the_list_and_the_summary(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    app.selectbox(key="plan_priority").set_value("protection").run()
    assert not app.exception
    assert listed_targets(app) == ["PROT-01", "PROT-02", "PROT-03", "PROT-04", "PROT-05"]
    assert app.dataframe[0].value["Target"].tolist() == listed_targets(app)
    text = page_text(app)
    assert "Protection: 5 targets" in text and "Prevention:" not in text
    app.selectbox(key="plan_owner").set_value("MARAC Chair").run()
    assert listed_targets(app) == ["PROT-01", "PROT-02"]


def test_the_trajectory_chart_draws_baseline_path_milestones_target_and_forecast(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    app.selectbox(key="plan_priority").set_value("protection").run()
    chooser = app.selectbox(key="plan_target-protection-All")
    assert chooser.value == "PROT-01"  # the first target off track in this selection
    chooser.set_value("PROT-04").run()
    assert not app.exception
    spec = figure(app, "target-trajectory")
    names = [trace.get("name") for trace in spec["data"]]
    assert spec["layout"]["title"]["text"].startswith("PROT-04")
    assert {"Baseline", "Target", "Trajectory: baseline to target", "Milestone: missed"} <= set(names)
    assert any(name.startswith("Forecast") for name in names) and "Latest 12 months: off track" in names
    path = spec["data"][names.index("Trajectory: baseline to target")]
    assert path["y"] == [79.8, 90.0]
    milestones = spec["data"][names.index("Milestone: missed")]
    assert milestones["y"] == [81.9, 83.9, 85.9]


def test_with_no_plan_loaded_the_page_says_so(monkeypatch, warehouse_without_plan):
    app = open_page(monkeypatch, warehouse_without_plan, PAGE)
    assert [info.value for info in app.info] == [NO_PLAN]
    assert not app.dataframe and not app.get("plotly_chart")


def test_the_overview_shows_the_plan_in_brief(monkeypatch, sample_warehouse_path):
    app = open_page(monkeypatch, sample_warehouse_path, "pages/overview.py")
    assert "Action plan" in [header.value for header in app.header]
    assert any(markdown.value.startswith("**Targets off track") for markdown in app.markdown)
    summary = app.dataframe[-1].value
    assert summary["Priority"].tolist() == ["Prevention", "Provision", "Protection", "Prosecution", "Whole plan"]
    assert summary["Targets"].tolist()[-1] == 19 and summary["SMART"].tolist()[-1] == 12


def test_the_overview_without_a_plan_says_so(monkeypatch, warehouse_without_plan):
    app = open_page(monkeypatch, warehouse_without_plan, "pages/overview.py")
    assert NO_PLAN in [info.value for info in app.info]
