"""Hostile text in the data or the filters is harmless: SQL is always bound, and HTML shows as text."""

from __future__ import annotations

import re

import pytest

from etl.refresh import refresh
from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute, default_period
from metrics.disclosure import Audience, rule_for
from metrics.warehouse import connect
from oversight.settings import PROJECT_ROOT, Settings
from tests.drops import WARDS, wards_geojson, write_tiny_drop
from tests.pages.apptest_tools import open_page

SCRIPT = "<script>alert(1)</script>"
INJECTION = "'; drop table x; --"
HOSTILE_WARD = f"Ward {SCRIPT}{INJECTION}"
HOSTILE_SERVICE = f"Service <img src=x onerror=alert(1)> {INJECTION}"
# The only page allowed to render HTML, and each call there passes text escaped in ui/figures_targets.
PAGES_RENDERING_HTML = {"pages/action_plan.py"}


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
        frame = compute(con, "children_present_pct", Filters(period=period, groups=GroupFilters(ward_code="E05999999")), rule=rule)
        assert frame["numerator"].fill_null(0).sum() == 0


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/prevalence.py", "pages/justice.py"])
def test_a_ward_and_service_named_in_html_render_as_text(hostile_warehouse, monkeypatch, page):
    app = open_page(monkeypatch, hostile_warehouse, page, ward=WARDS[0][0])
    shown = [element.value for kind in ("title", "header", "subheader", "markdown", "caption", "info") for element in getattr(app, kind)]
    html_elements = [element for element in app.markdown if element.proto.allow_html]
    assert not [element.value for element in html_elements if "<script" in element.value or "<img" in element.value]
    tables = [str(value) for frame in app.dataframe for value in frame.value.to_numpy().ravel()]
    assert any(HOSTILE_WARD in text for text in shown + tables)  # the name itself, shown, not dropped or run


def test_html_is_rendered_only_where_the_text_is_escaped():
    users = {path.relative_to(PROJECT_ROOT).as_posix()
             for folder in ("pages", "ui") for path in (PROJECT_ROOT / folder).glob("*.py")
             if re.search(r"unsafe_allow_html\s*=\s*True", path.read_text(encoding="utf-8"))}
    assert users <= PAGES_RENDERING_HTML | {"app.py"}
