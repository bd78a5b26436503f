"""The data and refresh page: the sample run and its extracts, completeness and freshness, a failed
attempt and a stale source in plain words, and rejected rows shown to analysts only."""

from __future__ import annotations

import pytest

from etl.errors import RefreshFailed
from metrics.disclosure import Audience
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop
from tests.pages.apptest_tools import figure, open_page, page_text

PAGE = "pages/data_quality.py"
SECTIONS = [
    "Refreshes",
    "Rows loaded and rejected, by extract",
    "How complete the key fields are",
    "How fresh each source is",
    "Analyst detail: rejected rows",
]
FOR_ANALYSTS = "This section is for analysts."
SAMPLE_EXTRACTS = {
    "Reference: ward boundaries",
    "Reference: LSOA to ward lookup",
    "Reference: resident population",
    "Reference: the register of services",
    "Reference: survey prevalence rates for estimating hidden need",
    "Action plan",
    "Police: domestic abuse incidents and crimes",
    "Police and CPS: each domestic abuse crime's path through justice",
    "MARAC: cases heard",
    "Specialist services: referrals, starts and ends",
    "Children's front door (MASH): contacts about a child",
    "Operation Encompass: notifications to schools",
}


def table(app, first_column: str):
    return next(frame.value for frame in app.dataframe if frame.value.columns[0] == first_column)


def every_table_value(app) -> set[str]:
    return {str(value) for frame in app.dataframe for value in frame.value.to_numpy().ravel()}


@pytest.fixture(scope="module")
def sample_page(sample_warehouse_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield open_page(monkeypatch, sample_warehouse_path, PAGE)


@pytest.fixture(scope="module")
def tiny_after_a_failure(tmp_path_factory):
    """The tiny drop (two incidents and one crime rejected), then a refresh that failed."""
    root = tmp_path_factory.mktemp("tiny_failed")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    with pytest.raises(RefreshFailed):
        refresh(root / "missing", warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def test_the_sample_run_and_its_extracts_are_listed(sample_page, sample_warehouse):
    assert [heading.value for heading in sample_page.subheader] == SECTIONS
    run_id = sample_warehouse.sql("select run_id from etl_runs").fetchall()[0][0]
    assert table(sample_page, "Started")["Run"].tolist() == [run_id]
    assert len(sample_page.success) == 1
    assert "Completed: 12 files loaded" in sample_page.success[0].value
    assert set(table(sample_page, "Refresh started")["Extract"]) == SAMPLE_EXTRACTS
    assert not sample_page.error
    # the sample's events end on 29 September 2026, so judged against today every event source is out of date
    assert all(warning.value.split(". ")[1].startswith("Out of date:") for warning in sample_page.warning)


def test_completeness_and_freshness_are_shown_for_the_sample(sample_page):
    labels = figure(sample_page, "data-quality-completeness")["data"][0]["y"]
    assert "Police incidents: Victim's ethnic group recorded" in labels
    assert "MARAC cases: DASH risk assessed" not in labels
    assert set(table(sample_page, "Extract")["Area"]) == {"whole district"}
    statuses = dict(zip(*(table(sample_page, "Source")[column] for column in ("Source", "Status")), strict=True))
    assert statuses["Police: domestic abuse incidents and crimes"] == "out of date"  # judged against today
    assert statuses["Reference: ward boundaries"] == "reference data"


def test_completeness_can_show_each_ward(sample_warehouse_path, monkeypatch):
    app = open_page(monkeypatch, sample_warehouse_path, PAGE)
    app.toggle(key="data_quality_by_ward").set_value(True).run()
    assert not app.exception
    areas = set(table(app, "Extract")["Area"])
    assert {"whole district", "Canal Wharf"} <= areas
    assert "Counts from 1 to 7 are shown as *" in page_text(app)
    # the toggle changes the chart too: a marker per field at the ward recording it least
    weakest = next(
        trace for trace in figure(app, "data-quality-completeness")["data"] if trace.get("name") == "Ward recording it least"
    )
    assert set(weakest["customdata"]) <= set(areas) - {"whole district"} and any(weakest["customdata"])


def test_the_analyst_section_is_hidden_from_the_board(tiny_after_a_failure, monkeypatch):
    monkeypatch.setattr("ui.session.current_audience", lambda: Audience.BOARD)  # the page's own gate, behind navigation's
    app = open_page(monkeypatch, tiny_after_a_failure, PAGE)
    assert [heading.value for heading in app.subheader] == SECTIONS
    assert app.info[-1].value.startswith(FOR_ANALYSTS)
    assert not {"purple", "E05990009", "INC005"} & every_table_value(app)
    rows = table(app, "Refresh started")
    assert rows.loc[rows["Extract"] == "Police: domestic abuse incidents and crimes", "Rows rejected"].tolist() == [2]


def test_analysts_see_the_rejected_rows(tiny_after_a_failure, monkeypatch):
    monkeypatch.setattr("ui.session.current_audience", lambda: Audience.ANALYST)
    app = open_page(monkeypatch, tiny_after_a_failure, PAGE)
    assert not any(notice.value.startswith(FOR_ANALYSTS) for notice in app.info)
    rejected = table(app, "Rejected")
    assert sorted(zip(rejected["Line"], rejected["Column"], rejected["Value"], strict=True)) == [
        (3, "arrested_at", "2025-06-01T10:00"),
        (5, "ward_code", "E05990009"),
        (6, "reported_at", "(withheld: text of several words may name a person or a place)"),
        (6, "victim_ethnicity", "purple"),
    ]


def test_a_failed_attempt_and_a_stale_source_are_said_in_words(tiny_after_a_failure, monkeypatch):
    app = open_page(monkeypatch, tiny_after_a_failure, PAGE)
    assert len(app.error) == 1
    assert "Failed: nothing was published, so the data shown did not change." in app.error[0].value
    assert "does not exist" in app.error[0].value
    assert not app.success
    assert [warning.value.split(".")[0] for warning in app.warning] == [
        "Police and CPS: each domestic abuse crime's path through justice",
        "Police: domestic abuse incidents and crimes",
    ]  # its latest event, in 2025, is long before today
    assert "59 days before the newest source's" in app.warning[0].value


def test_without_data_the_page_says_none_is_published(tmp_path, monkeypatch):
    app = open_page(monkeypatch, tmp_path / "no-warehouse", PAGE)
    assert app.info[0].value.startswith("No data has been published yet")
    assert not app.error and not app.subheader


def test_a_first_refresh_that_failed_is_explained(tmp_path, monkeypatch):
    settings = Settings(warehouse=tmp_path / "warehouse")
    with pytest.raises(RefreshFailed):
        refresh(tmp_path / "missing", warehouse=settings.warehouse, settings=settings)
    app = open_page(monkeypatch, settings.warehouse, PAGE)
    assert app.info[0].value.startswith("No data has been published yet")
    assert "Failed: nothing was published" in app.error[0].value
