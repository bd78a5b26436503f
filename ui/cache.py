"""Cached access to the published warehouse: the only module with `st.cache_*`.

Every cached call is keyed by the published version's name and the audience, so a new
publish shows new data without a restart and one audience's results never reach another.
Cached functions take plain hashable values and open their own read-only connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
import streamlit as st

from etl.errors import WarehouseMissing
from etl.geography import wards_feature_collection
from etl.warehouse import Warehouse
from metrics import completeness, data_quality
from metrics.attrition import attrition_funnel
from metrics.attrition_days import days_between_stages
from metrics.compute import Filters, compute
from metrics.board import board_pack
from metrics.coverage import Assumptions, perpetrator_interventions
from metrics.disclosure import Audience, rule_for
from metrics.export.gap_analysis import commissioner_workbook
from metrics.funnel_data import ward_funnel
from metrics.hidden_need_groups import reporting_by_group
from metrics.journeys import journey_steps, missed_opportunities, survival_comparison, survival_curves, timing_and_attrition
from metrics.scenario import read_scenario
from metrics.scorecard import scorecard
from metrics.registry import get as get_indicator
from metrics.service_gaps import gap_analysis
from metrics.standardisation import standardised_by_ward, standardised_funnel, standardised_points
from metrics.indicators.hidden_need import adjusted_for as hidden_need_adjusted_for
from metrics.targets.view import plan_view
from metrics.warehouse import connect, version_name
from oversight.settings import get_settings
from ui.board_pack import pack_file
from ui.session import current_audience

CACHE_TTL_SECONDS = 3600


@dataclass(frozen=True)
class WarehouseStatus:
    version: str
    refreshed_at: datetime | None
    wards: int
    latest_incident_on: date | None
    earliest_incident_on: date | None
    coverage: completeness.Coverage | None = None  # each source's months covered whole


def current_version() -> str | None:
    """The published version's name, or None when nothing has been published yet."""
    try:
        return version_name(get_settings().warehouse)
    except WarehouseMissing:
        return None


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _status(version: str) -> WarehouseStatus:
    with connect(get_settings().warehouse) as con:
        refreshed_at = con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]
        wards = con.sql("select count(*) from mart_wards").fetchall()[0][0]
        first, last = con.sql("select min(reported_on), max(reported_on) from mart_incidents").fetchall()[0]
        coverage = completeness.read(con)
    return WarehouseStatus(version, refreshed_at, wards, last, first, coverage)


def load_status() -> WarehouseStatus | None:
    version = current_version()
    return None if version is None else _status(version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _wards(version: str) -> tuple[pl.DataFrame, dict]:
    with connect(get_settings().warehouse) as con:
        wards = con.sql("select ward_code, ward_name, centroid_lat, centroid_lon, geometry_geojson as geojson, residents "
                        "from mart_wards order by ward_name").pl()
    return wards.drop("geojson"), wards_feature_collection(wards)


def wards() -> pl.DataFrame:
    """Ward codes, names, centroids and residents (no geometry)."""
    version = current_version()
    return pl.DataFrame() if version is None else _wards(version)[0]


def ward_geometry() -> dict:
    """A GeoJSON FeatureCollection of the wards, `id` = ward code, for offline maps."""
    version = current_version()
    return {"type": "FeatureCollection", "features": []} if version is None else _wards(version)[1]


# Metric functions pages may call, by name. Each takes (con, rule, **plain arguments).
QUERIES: dict[str, Callable[..., Any]] = {
    "indicator": lambda con, rule, indicator_id, filters: compute(con, indicator_id, filters, rule=rule),
    "scorecard": lambda con, rule, filters: scorecard(con, filters, rule),
    "attrition_funnel": lambda con, rule, period, by, groups: attrition_funnel(con, period, rule=rule, by=by, groups=groups),
    "days_between_stages": lambda con, rule, period, groups: days_between_stages(con, period, rule=rule, groups=groups),
    # log_size keys the cache: the run log grows with every attempt, failed ones included
    "refresh_history": lambda con, rule, log_size: data_quality.refresh_history(con, rule, Warehouse(get_settings().warehouse).read_run_log()),
    "rows_by_extract": data_quality.rows_by_extract,
    "completeness": data_quality.completeness,
    "freshness": data_quality.freshness,
    "rejected_rows": data_quality.rejected_rows,
    "ward_funnel": ward_funnel,
    "standardised_by_ward": lambda con, rule, indicator_id, period, groups: standardised_by_ward(
        con, get_indicator(indicator_id), period, groups, rule=rule),
    "standardised_ward_points": lambda con, rule, indicator_id, period, groups: standardised_points(
        standardised_by_ward(con, get_indicator(indicator_id), period, groups, rule=rule), get_indicator(indicator_id)),
    "standardised_ward_funnel": lambda con, rule, indicator_id, period, groups: standardised_funnel(
        standardised_by_ward(con, get_indicator(indicator_id), period, groups, rule=rule), get_indicator(indicator_id)),
    "hidden_need_by_group": reporting_by_group,
    "hidden_need_adjusted_for": lambda con, rule: hidden_need_adjusted_for(con),
    "perpetrator_interventions": lambda con, rule, period: perpetrator_interventions(con, period, rule),
    # a what-if scenario travels as its YAML text (plain and hashable); none: today's register
    "gap_analysis": lambda con, rule, period, ward_code, scenario=None: gap_analysis(
        con, period, rule, ward_code=ward_code, assumptions=Assumptions.from_settings(get_settings()),
        scenario=read_scenario(scenario) if scenario else None),
    "gap_analysis_workbook": lambda con, rule, period, ward_code, scenario=None: commissioner_workbook(
        con, period=period, ward_code=ward_code, scenario=read_scenario(scenario) if scenario else None),
    "plan_view": plan_view,  # raises PlanMissing (not cached) until a drop brings action_plan.yaml
    # the board's rule whoever asks: a pack is a paper, forwarded and kept
    "board_pack_file": lambda con, rule, period, previous, ward_code, kind: pack_file(board_pack(
        con, period=period, previous=previous, ward_code=ward_code, rule=rule_for(Audience.BOARD, get_settings())), kind),  # raises PlanMissing (not cached) until a drop brings action_plan.yaml
    "journey_steps": lambda con, rule, cohort, period, groups: journey_steps(con, rule, cohort=cohort, period=period, groups=groups),
    "journey_survival": lambda con, rule, cohort, period, groups, measure, by: survival_curves(
        con, rule, cohort=cohort, period=period, groups=groups, measure=measure, by=by),
    "journey_logrank": lambda con, rule, cohort, period, groups, measure, by: survival_comparison(
        con, rule, cohort=cohort, period=period, groups=groups, measure=measure, by=by),
    "journey_timing": lambda con, rule, period, groups, by: timing_and_attrition(con, rule, period=period, groups=groups, by=by),
    "journey_missed": lambda con, rule, period, groups, by: missed_opportunities(con, rule, period=period, groups=groups, by=by),
}


def register_query(name: str, function: Callable[..., Any]) -> None:
    """Make a metrics function available to pages through `fetch` (done once, at import)."""
    QUERIES[name] = function


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=1024, show_spinner=False)
def _fetch(version: str, audience: str, name: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
    rule = rule_for(audience, get_settings())
    with connect(get_settings().warehouse) as con:
        return QUERIES[name](con, rule, **dict(arguments))


def fetch(name: str, **arguments: Any) -> Any:
    """Run a named metrics query for the current audience, cached per warehouse version."""
    version = current_version()
    if version is None:
        raise WarehouseMissing("no warehouse has been published yet")
    return _fetch(version, current_audience().value, name, tuple(sorted(arguments.items())))


def indicator(indicator_id: str, filters: Filters) -> pl.DataFrame:
    return fetch("indicator", indicator_id=indicator_id, filters=filters)
