"""Hostile text in the data or the filters is harmless: SQL is always bound, and HTML shows as text."""

from __future__ import annotations

import re

import pytest

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute, default_period
from metrics.disclosure import Audience, rule_for
from metrics.warehouse import connect
from oversight.settings import PROJECT_ROOT, Settings
from pipeline.refresh import refresh
from tests.drops import WARDS, wards_geojson, write_tiny_drop
from tests.pages.apptest_tools import open_page

SCRIPT = "<script>alert(1)</script>"
INJECTION = "'; drop table x; --"
MARKDOWN_IMAGE_AND_LINK = (
    '![pixel](http://evil.example/p.png) [log in](http://evil.example/login) <a href="http://evil.example/login">log in</a>'
)
HOSTILE_WARD = f"Ward {SCRIPT}{INJECTION} {MARKDOWN_IMAGE_AND_LINK}"
HOSTILE_SERVICE = f"Service <img src=x onerror=alert(1)> {INJECTION} :red[styled]"
LIVE_MARKDOWN = re.compile(r"(?<!\\)(!?\[[^\]]*(?<!\\)\]\(|<[a-z]|:red\[)")  # an image, a link, a tag or styling, unescaped
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    drop = write_tiny_drop(root / "drop")
    (drop / "wards.geojson").write_text(wards_geojson([(WARDS[0][0], HOSTILE_WARD), *WARDS[1:]]))
    services = (drop / "services.csv").read_text().replace("Haven IDVA service", HOSTILE_SERVICE)
    (drop / "services.csv").write_text(services)
    settings = Settings(warehouse=root / "warehouse")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def test_names_with_html_and_sql_are_loaded_as_plain_text(hostile_warehouse):
    with connect(hostile_warehouse) as con:
        names = {row[0] for row in con.sql("select ward_name from mart_wards").fetchall()}
    assert HOSTILE_WARD in names
    with connect(hostile_warehouse) as con:
        services = {row[0] for row in con.sql("select * from mart_services").pl().select("name").rows()}
    assert HOSTILE_SERVICE in services


@pytest.mark.parametrize("value", [INJECTION, SCRIPT, "O'Brien", '" or 1=1 --'])
def test_hostile_filter_values_are_refused_before_any_query(sample_warehouse_path, value):
    from metrics.aggregate import UnsupportedCut

    with connect(sample_warehouse_path) as con:
        wards_before = con.sql("select count(*) from mart_wards").fetchall()[0][0]
        for field in ("ward_code", "sex", "age_band", "ethnicity"):
            with pytest.raises(UnsupportedCut, match="unknown"):
                GroupFilters(**{field: value})
        assert con.sql("select count(*) from mart_wards").fetchall()[0][0] == wards_before


def test_filter_values_reach_sql_only_as_bound_parameters(sample_warehouse_path):
    """A well-formed ward code the data do not hold selects nothing: it is compared, never spliced."""
    with connect(sample_warehouse_path) as con:
        period = default_period(con)
        rule = rule_for(Audience.BOARD, Settings())
        frame = compute(
            con, "children_present_pct", Filters(period=period, groups=GroupFilters(ward_code="E05999999")), rule=rule
        )
        assert frame["numerator"].fill_null(0).sum() == 0


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/prevalence.py", "pages/justice.py"])
def test_a_ward_and_service_named_in_html_render_as_text(hostile_warehouse, monkeypatch, page):
    app = open_page(monkeypatch, hostile_warehouse, page, ward=WARDS[0][0])
    shown = [
        element.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info")
        for element in getattr(app, kind)
    ]
    assert not [element.value for element in app.markdown if element.proto.allow_html]
    assert not [text for text in shown if LIVE_MARKDOWN.search(str(text))]
    charts = [chart.proto.spec for chart in app.get("plotly_chart")]
    assert not [spec for spec in charts if re.search(r"<a\b", spec, re.IGNORECASE)]  # Plotly would draw a live link
    tables = [str(value) for frame in app.dataframe for value in frame.value.to_numpy().ravel()]
    as_read = [ESCAPE.sub(r"\1", str(text)) for text in shown] + tables
    assert any(HOSTILE_WARD in text for text in as_read)  # the name itself, shown as text, not dropped or run


def test_an_action_plan_holding_html_and_markdown_shows_it_as_text():
    from ui.figures_targets import badge, target_details

    hostile = '<img src="http://evil.example/p.png"><a href="http://evil.example">log in</a> ' + MARKDOWN_IMAGE_AND_LINK
    target = {
        "indicator_title": hostile,
        "indicator_id": "x",
        "objective": hostile,
        "owner": hostile,
        "cut": "district",
        "kind": hostile,
        "progress": "off track",
        "status_reason": hostile,
        "baseline_text": hostile,
        "aim_text": hostile,
        "time_left_text": hostile,
        "trajectory_reason": hostile,
        "milestones_text": hostile,
        "forecast_text": hostile,
        "is_smart": False,
    }
    import polars as pl

    checks = pl.DataFrame({"outcome": ["failed", hostile], "criterion": ["specific", hostile], "reasons": [hostile, hostile]})
    text = target_details(target, checks)
    assert not LIVE_MARKDOWN.search(text), text
    assert ESCAPE.sub(r"\1", text).count(hostile) >= 10  # every word shown, character for character
    assert not LIVE_MARKDOWN.search(badge(hostile))


def test_no_page_renders_html():
    users = {
        path.relative_to(PROJECT_ROOT).as_posix()
        for folder in ("pages", "ui")
        for path in (PROJECT_ROOT / folder).glob("*.py")
        if re.search(r"unsafe_allow_html\s*=\s*True", path.read_text(encoding="utf-8"))
    }
    users |= {"app.py"} if "unsafe_allow_html" in (PROJECT_ROOT / "app.py").read_text(encoding="utf-8") else set()
    assert users == set()
