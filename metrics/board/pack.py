"""Every number the board pack prints, gathered from the calls the pages make, under one disclosure rule.

`board_pack` asks the same functions the Overview, Prevalence, Services, Justice, Action plan and Data
pages ask (scorecard, plan view, ward funnel, reporting by group, gap analysis, attrition funnel and
hot spots, freshness, rows by extract), so the pack and the dashboard never disagree. It refuses the
unsuppressed rule: a pack is a paper that leaves the building.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from etl.ward_features import wards_feature_collection
from metrics import completeness, data_quality, maturity
from metrics.aggregate import GroupFilters
from metrics.attrition import attrition_funnel
from metrics.attrition_hotspots import attrition_hotspots
from metrics.board.summary import Summary, immature_outcomes, incomplete_periods, summarise
from metrics.compute import Filters, maturity_lag_months
from metrics.definitions import Topic
from metrics.disclosure import DisclosureError, DisclosureRule
from metrics.funnel_data import FunnelNotAvailable, ward_funnel
from metrics.hidden_need_groups import reporting_by_group
from metrics.overdispersion import count_comparisons
from metrics.periods import Period
from metrics.registry import get, headline_indicators
from metrics.scorecard import scorecard
from metrics.service_gaps import GapAnalysis, UnknownWard, gap_analysis
from metrics.standardisation import NotStandardisable, standardised_by_ward, standardised_points
from metrics.targets import PlanFormatError, PlanMissing
from metrics.targets.view import PlanView, plan_view

PREVALENCE_INDICATOR = "prevalence_incidents_per_1000"
BIGGEST_GAPS = 6
LEAST_REPORTING = 5


@dataclass(frozen=True)
class BoardPack:
    board: str  # the board's name from its action plan, or the district
    area: str  # "the whole district" or the ward's name
    ward_code: str | None
    period: Period
    previous: Period
    data_as_at: datetime | None  # the last successful refresh
    latest_event_on: date | None
    generated_at: datetime
    rule: DisclosureRule
    scorecard: pl.DataFrame  # this period, one row per headline indicator
    previous_scorecard: pl.DataFrame
    summary: Summary
    plan: PlanView | None
    plan_problem: str | None  # why there is no plan, in words
    ward_points: pl.DataFrame  # prevalence by ward (the ward funnel's points)
    attention_points: pl.DataFrame  # the wards' age-standardised prevalence, from which the summary names a ward
    ward_geometry: dict
    least_reporting: pl.DataFrame  # communities reporting least against the crime survey's prediction
    gaps: GapAnalysis
    attrition: pl.DataFrame  # the district's funnel, one row per stage
    hotspots: pl.DataFrame  # wards' charge rates against the district, worst first
    freshness: pl.DataFrame
    loads: pl.DataFrame  # the latest refresh's rows loaded and rejected per extract
    glossary: tuple[tuple[str, str], ...]
    # a sentence for each of the two periods the data do not cover whole: its rates read low
    shortfalls: tuple[str, ...] = ()

    @property
    def comparisons(self) -> str:
        """How many comparisons the pack shows (the scorecard, the wards crude and age-standardised, the communities
        and the wards' charge rates) and how many flags chance alone would give among them."""
        return count_comparisons(
            self.scorecard, self.ward_points, self.attention_points, self.least_reporting, self.hotspots
        ).sentence("pack")

    @property
    def biggest_gaps(self) -> pl.DataFrame:
        return self.gaps.gaps.head(BIGGEST_GAPS)


def _standardised_points(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """The wards' age-standardised prevalence as funnel points (empty where it cannot be worked out): the summary names
    a ward from them, as a ward of students and one of pensioners differ for their ages alone."""
    indicator = get(PREVALENCE_INDICATOR)
    try:
        return standardised_points(standardised_by_ward(con, indicator, period, rule=rule), indicator)
    except NotStandardisable:
        return pl.DataFrame(schema={"value": pl.Float64})


def board_pack(
    con: duckdb.DuckDBPyConnection,
    *,
    period: Period,
    previous: Period,
    rule: DisclosureRule,
    ward_code: str | None = None,
    as_of: date | None = None,
) -> BoardPack:
    """The pack's contents for `period` against `previous`, for the district or one ward."""
    if rule.is_identity:
        raise DisclosureError("the board pack always uses the board's disclosure rule, never unsuppressed counts")
    wards = con.sql("select ward_code, ward_name, geometry_geojson as geojson from mart_wards order by ward_name").pl()
    names = dict(zip(wards["ward_code"], wards["ward_name"], strict=True))
    if ward_code is not None and ward_code not in names:
        raise UnknownWard(f"no ward {ward_code!r} in the warehouse; ward codes look like E05xxxxxx")
    area = names.get(ward_code, "the whole district")
    groups = GroupFilters(ward_code=ward_code)
    current = scorecard(con, Filters(period=period, groups=groups), rule)
    before = scorecard(con, Filters(period=previous, groups=groups), rule)
    indicator_ids = current["indicator_id"].to_list() if current.height else []
    coverage = completeness.read(con)
    plan, problem = _plan(con, rule, as_of or date.today())
    latest_event = con.sql("select max(reported_on) from mart_incidents").fetchall()[0][0]
    try:
        points, _ = ward_funnel(con, rule, PREVALENCE_INDICATOR, Filters(period=period))
    except FunnelNotAvailable:
        points = pl.DataFrame()
    attention_points = _standardised_points(con, period, rule)
    if attention_points.filter(pl.col("value").is_not_null()).is_empty():
        attention_points = points
    least = reporting_by_group(con, rule, Filters(period=period, groups=groups))
    least = least.filter(pl.col("is_below_district") & pl.col("value").is_not_null()).sort("value").head(LEAST_REPORTING)
    refreshed_at = con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]
    return BoardPack(
        board=(plan.board if plan and plan.board else "the district"),
        area=area,
        ward_code=ward_code,
        period=period,
        previous=previous,
        data_as_at=refreshed_at,
        latest_event_on=latest_event,
        generated_at=datetime.now(),
        rule=rule,
        scorecard=current,
        previous_scorecard=before,
        summary=summarise(
            current,
            before,
            attention_points if ward_code is None else None,
            plan.targets if plan else None,
            area=area,
            immature=immature_outcomes(indicator_ids, period, mature_through(con)),
            incomplete=incomplete_periods(indicator_ids, (period, previous), coverage),
        ),
        plan=plan,
        plan_problem=problem,
        ward_points=points,
        attention_points=attention_points,
        ward_geometry=wards_feature_collection(wards),
        least_reporting=least,
        gaps=gap_analysis(con, period, rule, ward_code=ward_code),
        attrition=attrition_funnel(con, period, rule=rule, groups=groups),
        hotspots=attrition_hotspots(con, period, rule),
        freshness=data_quality.freshness(con, rule),
        loads=data_quality.rows_by_extract(con, rule, latest_runs=1),
        glossary=glossary(),
        shortfalls=tuple(
            f"{one.label} is {shortfall}. Rates over it read low, so the indicators read from those data are not compared."
            for one in (period, previous)
            if (shortfall := coverage.shortfall(one))
        ),
    )


def mature_through(con: duckdb.DuckDBPyConnection) -> dict[str, date | None]:
    """Each headline indicator's last day whose crimes have had the maturity lag (`OVERSIGHT_MATURITY_LAG_MONTHS`)
    to reach an outcome, as `compute` cuts outcome-type indicators off; None for an indicator that waits for no
    outcome. Justice outcomes (charges, convictions, outcome 16) all wait, whether or not `compute` moves their
    period back, since a quarter that just ended still lacks many of them."""
    coverage, lag = completeness.read(con), maturity_lag_months()
    through: dict[str, date | None] = {}
    for indicator in headline_indicators():
        waits = lag > 0 and (indicator.matures or indicator.topic is Topic.ATTRITION)
        complete = coverage.complete_through(indicator.source_extracts) if waits else None
        through[indicator.id] = maturity.cutoff(complete, lag) if complete else None
    return through


GLOSSARY_TERMS = (
    ("95% confidence interval", "The range the true value is likely to lie in, given chance variation."),
    (
        "Significantly higher / lower (95%, 99.8%)",
        "The comparator lies outside the value's 95% (or the wider 99.8%) "
        "interval, so chance is an unlikely (or most unlikely) explanation.",
    ),
    (
        "Real change",
        "A difference between this period and the previous one that chance explains less than once in "
        "500 (a test between the two periods' counts at 99.8%).",
    ),
    (
        "Funnel plot",
        "Each ward's value against its size, with limits around the district value; a ward outside the "
        "limits differs from the district beyond what chance explains.",
    ),
    ("On track / off track", "The latest value against the straight line from a target's baseline to the target."),
    (
        "Met / not met / within uncertainty",
        "Met only when the whole 95% interval is past the target; not met when the "
        "whole interval falls short; within uncertainty otherwise.",
    ),
    (
        "SMART",
        "Specific, measurable, achievable, relevant and time-bound: a target without a baseline, a date, an "
        "owner or an indicator fails a check.",
    ),
    (
        "Hidden need",
        "Victims known to services per 100 that the Crime Survey for England and Wales predicts from the "
        "population's age and sex.",
    ),
    ("MARAC", "Multi-Agency Risk Assessment Conference, where agencies plan for victims at high risk."),
    ("IDVA", "Independent Domestic Violence Adviser, who supports victims at high risk."),
    ("Attrition", "Cases that drop out between the incident and a conviction."),
    ("*", "A number too small to show safely, or one that would let a hidden number be worked out."),
)


def glossary() -> tuple[tuple[str, str], ...]:
    """The terms the pack uses, then every headline indicator's title and definition (from the registry)."""
    return GLOSSARY_TERMS + tuple((indicator.title, indicator.description) for indicator in headline_indicators())


def _plan(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, as_of: date) -> tuple[PlanView | None, str | None]:
    try:
        return plan_view(con, rule, as_of), None
    except PlanMissing:
        return None, "No action plan has been loaded: an analyst adds action_plan.yaml to the nightly drop."
    except PlanFormatError:
        return None, "The action plan in the latest drop cannot be read; the Action plan page lists the problems."
