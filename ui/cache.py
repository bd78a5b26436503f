"""Cached access to the published warehouse: the only module with `st.cache_*`.

Each data product a page shows is one function here with a checked signature: its arguments are
plain hashable values and it returns what its metrics function returns. Every product runs through
`fetch`, keyed by the published version's name and the audience, so a new publish shows new data
without a restart and one audience's results never reach another. No SQL lives here: each product
is a call into `metrics`, which opens nothing itself; `fetch` opens a read-only connection.

A product is declared by writing its reader, `reader(con, rule, ...)`, under `@product`: the reader
is kept in `QUERIES` by its name (what tests and benchmarks replay under another rule), and the
name becomes the function pages call with the reader's remaining arguments.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import polars as pl
import streamlit as st

from etl.errors import WarehouseMissing
from etl.warehouse import Warehouse
from metrics import (
    attrition,
    attrition_days,
    data_quality,
    funnel_data,
    hidden_need_groups,
    served,
    service_gaps,
    service_referrals,
    standardisation,
)
from metrics import coverage as service_coverage
from metrics import scorecard as board_scorecard
from metrics.aggregate import GroupFilters
from metrics.board.pack import board_pack, mature_through
from metrics.compute import Filters, compute
from metrics.disclosure import Audience, DisclosureRule, rule_for
from metrics.export.gap_analysis import commissioner_workbook
from metrics.funnel import FunnelLimits
from metrics.indicators import hidden_need
from metrics.journeys import journey_steps as journey_step_counts
from metrics.journeys import missed_opportunities, survival_comparison, survival_curves, timing_and_attrition
from metrics.periods import Period
from metrics.registry import get as get_indicator
from metrics.scenario import read_scenario
from metrics.served import WarehouseStatus
from metrics.targets.view import PlanView
from metrics.targets.view import plan_view as targets_plan_view
from metrics.warehouse import connect, version_name
from oversight.settings import get_settings
from ui.board_pack import pack_file
from ui.session import current_audience

CACHE_TTL_SECONDS = 3600

Arguments = ParamSpec("Arguments")
Returned = TypeVar("Returned")

# Each product's reader by name: reader(con, rule, **arguments) is what `fetch` runs for it.
QUERIES: dict[str, Callable[..., Any]] = {}


def current_version() -> str | None:
    """The published version's name, or None when nothing has been published yet."""
    try:
        return version_name(get_settings().warehouse)
    except WarehouseMissing:
        return None


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _status(version: str) -> WarehouseStatus:
    with connect(get_settings().warehouse) as con:
        return served.status(con, version)


def load_status() -> WarehouseStatus | None:
    version = current_version()
    return None if version is None else _status(version)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _wards(version: str) -> tuple[pl.DataFrame, dict]:
    with connect(get_settings().warehouse) as con:
        return served.wards(con)


def wards() -> pl.DataFrame:
    """Ward codes, names, centroids and residents (no geometry)."""
    version = current_version()
    return pl.DataFrame() if version is None else _wards(version)[0]


def ward_geometry() -> dict:
    """A GeoJSON FeatureCollection of the wards, `id` = ward code, for offline maps."""
    version = current_version()
    return {"type": "FeatureCollection", "features": []} if version is None else _wards(version)[1]


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=1024, show_spinner=False)
def _fetch(version: str, audience: str, name: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
    rule = rule_for(Audience(audience), get_settings())
    with connect(get_settings().warehouse) as con:
        return QUERIES[name](con, rule, **dict(arguments))


def current_rule() -> DisclosureRule:
    """The disclosure rule the current audience's figures are published under."""
    return rule_for(current_audience(), get_settings())


def fetch(name: str, **arguments: Any) -> Any:
    """Run the product `name` for the current audience, cached per warehouse version. Pages call the
    product's own function instead, which checks its arguments and says what it returns."""
    version = current_version()
    if version is None:
        raise WarehouseMissing("no warehouse has been published yet")
    return _fetch(version, current_audience().value, name, tuple(sorted(arguments.items())))


def product(
    reader: Callable[Concatenate[duckdb.DuckDBPyConnection, DisclosureRule, Arguments], Returned],
) -> Callable[Arguments, Returned]:
    """Declare a data product: `reader(con, rule, ...)` is kept in QUERIES by its name, and the function
    returned (which replaces it under that name) takes the reader's other arguments and runs it through `fetch`."""
    name = reader.__name__
    if name in QUERIES:
        raise ValueError(f"the data product {name!r} is declared twice")
    QUERIES[name] = reader
    parameters = list(inspect.signature(reader).parameters)[2:]

    def fetched(*args: Arguments.args, **kwargs: Arguments.kwargs) -> Returned:
        # Looked up at call time, so a test that records what pages receive can stand in for fetch.
        # the positional arguments name the first of the reader's parameters; the rest come by keyword
        return fetch(name, **dict(zip(parameters, args, strict=False)), **kwargs)

    fetched.__name__ = fetched.__qualname__ = name
    fetched.__doc__ = reader.__doc__
    return fetched


# --- the data products, one per thing a page shows ------------------------------------------------


@product
def indicator(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, filters: Filters) -> pl.DataFrame:
    """One indicator's rows under `filters`, with comparisons and trend."""
    return compute(con, indicator_id, filters, rule=rule)


@product
def scorecard(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, filters: Filters) -> pl.DataFrame:
    return board_scorecard.scorecard(con, filters, rule)


@product
def attrition_funnel(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, by: str | None, groups: GroupFilters
) -> pl.DataFrame:
    return attrition.attrition_funnel(con, period, rule=rule, by=by, groups=groups)


@product
def days_between_stages(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, groups: GroupFilters
) -> pl.DataFrame:
    return attrition_days.days_between_stages(con, period, rule=rule, groups=groups)


@product
def refresh_history(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, log_size: int) -> pl.DataFrame:
    """Every refresh attempt; `log_size` keys the cache, as the run log grows with every attempt, failed ones too."""
    return data_quality.refresh_history(con, rule, Warehouse(get_settings().warehouse).read_run_log())


@product
def rows_by_extract(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, latest_runs: int) -> pl.DataFrame:
    return data_quality.rows_by_extract(con, rule, latest_runs=latest_runs)


@product
def completeness(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, by: str | None) -> pl.DataFrame:
    return data_quality.completeness(con, rule, by=by)


@product
def freshness(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, today: date) -> pl.DataFrame:
    return data_quality.freshness(con, rule, today=today)


@product
def rejected_rows(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, limit: int) -> pl.DataFrame:
    return data_quality.rejected_rows(con, rule, limit=limit)


@product
def ward_funnel(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, filters: Filters
) -> tuple[pl.DataFrame, FunnelLimits]:
    return funnel_data.ward_funnel(con, rule, indicator_id, filters)


@product
def standardised_by_ward(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, period: Period, groups: GroupFilters
) -> pl.DataFrame:
    return standardisation.standardised_by_ward(con, get_indicator(indicator_id), period, groups, rule=rule)


@product
def standardised_ward_points(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, period: Period, groups: GroupFilters
) -> pl.DataFrame:
    """Every ward's age-standardised rate as funnel points, for the map."""
    indicator = get_indicator(indicator_id)
    return standardisation.standardised_points(
        standardisation.standardised_by_ward(con, indicator, period, groups, rule=rule), indicator
    )


@product
def standardised_ward_funnel(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, period: Period, groups: GroupFilters
) -> tuple[pl.DataFrame, FunnelLimits]:
    """The wards' age-standardised rates on a funnel around the district's."""
    indicator = get_indicator(indicator_id)
    return standardisation.standardised_funnel(
        standardisation.standardised_by_ward(con, indicator, period, groups, rule=rule), indicator
    )


@product
def hidden_need_adjusted_for(con: duckdb.DuckDBPyConnection, rule: DisclosureRule) -> str:
    """What the expected victims were adjusted for, in plain words."""
    return hidden_need.adjusted_for(con)


@product
def hidden_need_by_group(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, filters: Filters) -> pl.DataFrame:
    return hidden_need_groups.reporting_by_group(con, rule, filters)


@product
def perpetrator_interventions(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period) -> pl.DataFrame:
    return service_referrals.perpetrator_interventions(con, period, rule)


@product
def gap_analysis(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, ward_code: str | None, scenario: str | None = None
) -> service_gaps.GapAnalysis:
    """A what-if scenario travels as its YAML text (plain and hashable); none: today's register."""
    return service_gaps.gap_analysis(
        con,
        period,
        rule,
        ward_code=ward_code,
        assumptions=service_coverage.Assumptions.from_settings(get_settings()),
        scenario=read_scenario(scenario) if scenario else None,
    )


@product
def gap_analysis_workbook(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, ward_code: str | None, scenario: str | None = None
) -> bytes:
    return commissioner_workbook(con, period=period, ward_code=ward_code, scenario=read_scenario(scenario) if scenario else None)


@product
def plan_view(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, as_of: date) -> PlanView:
    """Raises PlanMissing (not cached) until a drop brings action_plan.yaml."""
    return targets_plan_view(con, rule, as_of)


@product
def outcomes_mature_through(con: duckdb.DuckDBPyConnection, rule: DisclosureRule) -> dict[str, date | None]:
    """Each headline indicator's last day whose crimes have had time to reach an outcome; None for one that waits
    for no outcome. Dates only, so the rule does not touch it."""
    return mature_through(con)


@product
def board_pack_file(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, previous: Period, ward_code: str | None, kind: str
) -> bytes:
    """The board's rule whoever asks: a pack is a paper, forwarded and kept. Raises PlanMissing (not cached)
    until a drop brings action_plan.yaml."""
    board_rule = rule_for(Audience.BOARD, get_settings())
    return pack_file(board_pack(con, period=period, previous=previous, ward_code=ward_code, rule=board_rule), kind)


@product
def journey_steps(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, cohort: str, period: Period, groups: GroupFilters
) -> pl.DataFrame:
    return journey_step_counts(con, rule, cohort=cohort, period=period, groups=groups)


@product
def journey_survival(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    cohort: str,
    period: Period,
    groups: GroupFilters,
    measure: str,
    by: str | None,
) -> pl.DataFrame:
    return survival_curves(con, rule, cohort=cohort, period=period, groups=groups, measure=measure, by=by)


@product
def journey_logrank(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, cohort: str, period: Period, groups: GroupFilters, measure: str, by: str
) -> pl.DataFrame:
    return survival_comparison(con, rule, cohort=cohort, period=period, groups=groups, measure=measure, by=by)


@product
def journey_timing(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, groups: GroupFilters, by: str | None
) -> pl.DataFrame:
    return timing_and_attrition(con, rule, period=period, groups=groups, by=by)


@product
def journey_missed(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, period: Period, groups: GroupFilters, by: str | None
) -> pl.DataFrame:
    return missed_opportunities(con, rule, period=period, groups=groups, by=by)
