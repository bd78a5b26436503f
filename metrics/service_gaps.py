"""The gap analysis: need against reach and capacity by ward and client group, the IDVA gap, and
MARAC against SafeLives levels, for one period and either the district or one ward.

The Services page and the gap-analysis workbook both read one `GapAnalysis`, so the numbers a
board member sees are the numbers a commissioner exports. Every count of people in it has passed
through disclosure control under the rule given: the service products (metrics/coverage.py,
metrics/service_referrals.py, metrics/idva_capacity.py) and `compute` protect their own results, the
district's totals included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from metrics import read
from metrics.aggregate import query_sql
from metrics.commissioning import contract_risks, nearest_services
from metrics.coverage import Assumptions, coverage_matrix
from metrics.disclosure import DisclosureRule
from metrics.gap_indicators import against_benchmarks, area_indicators
from metrics.idva_capacity import idva_capacity
from metrics.periods import Period
from metrics.scenario import Scenario, apply
from metrics.service_referrals import referral_tables
from metrics.service_register import service_register, service_type_words

# Short column labels for the ward x group heat map; the long `group_label` is used in sentences.
GROUP_SHORT_LABELS = {
    "women": "Women",
    "men": "Men",
    "lgbt": "LGBT+",
    "children": "Children",
    "young_people": "Young people 16-24",
    "asian": "Asian",
    "black": "Black",
    "minoritised": "Black, Asian, minoritised",
    "disabled": "Disabled",
    "older_people": "Aged 65+",
    "perpetrators": "Perpetrators",
}
GROUP_ORDER = {group: position for position, group in enumerate(GROUP_SHORT_LABELS)}
TOP_GAPS = 5  # the page and the workbook lead with this many gaps


class UnknownWard(ValueError):
    """No ward with this code is in the warehouse."""


@dataclass(frozen=True)
class GapAnalysis:
    """Everything the Services page and the gap-analysis workbook show, for one period and area."""

    period: Period
    ward_code: str | None
    area: str  # "the whole district" or the ward's name
    rule: DisclosureRule
    register: pl.DataFrame  # services serving the area, one row each, in plain words
    coverage: pl.DataFrame  # coverage_matrix rows for the area, with `group_short`, `has_no_service`, `has_low_reach`
    idva: pl.DataFrame  # idva_capacity: the district row, and the ward's row when a ward is chosen
    indicators: pl.DataFrame  # compute rows of MARAC_INDICATORS then SERVICE_INDICATORS for the area
    benchmarks: pl.DataFrame  # each indicator against each published benchmark, in words
    capacity: pl.DataFrame  # capacity_vs_demand for the services serving the area
    outcomes: pl.DataFrame  # service_outcomes for the services serving the area
    risks: pl.DataFrame = field(default_factory=pl.DataFrame)  # contract_risks of the services serving the area
    assumptions: Assumptions = Assumptions()
    data_date: date | None = None  # the day the data were last refreshed: contract risk is counted from it
    scenario: Scenario | None = None  # the what-if scenario these figures assume, if any

    @property
    def gaps(self) -> pl.DataFrame:
        """The coverage rows flagged as gaps, largest unmet need in people first (need not estimated last)."""
        return self.coverage.filter(pl.col("is_gap")).sort(
            pl.col("unmet_need").is_null(),
            pl.col("unmet_need"),
            pl.col("has_no_service"),
            descending=[False, True, True],
            nulls_last=True,
            maintain_order=True,
        )

    @property
    def gaps_and_rest(self) -> pl.DataFrame:
        """Every coverage row: the gaps, largest unmet need first, then the rest, largest unmet need first."""
        rest = self.coverage.filter(~pl.col("is_gap")).sort("unmet_need", descending=True, nulls_last=True, maintain_order=True)
        return pl.concat([self.gaps, rest])

    def top_gaps(self, count: int = TOP_GAPS) -> pl.DataFrame:
        """The largest gaps in people whose unmet need can be shown."""
        return self.gaps.filter(pl.col("unmet_need").is_not_null()).head(count)

    @property
    def idva_area(self) -> dict | None:
        """The IDVA row of the area: the district's, or the chosen ward's."""
        level = "district" if self.ward_code is None else "ward"
        rows = self.idva.filter(pl.col("level") == level)
        return rows.row(0, named=True) if rows.height else None

    @property
    def services_without_base(self) -> list[str]:
        """Services the map cannot place: no base is held (a refuge's address is kept confidential)."""
        return self.register.filter(~pl.col("has_base"))["service_name"].to_list()

    def indicator(self, indicator_id: str) -> dict | None:
        rows = self.indicators.filter(pl.col("indicator_id") == indicator_id)
        return rows.row(0, named=True) if rows.height else None


def gap_analysis(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    rule: DisclosureRule,
    *,
    ward_code: str | None = None,
    assumptions: Assumptions = Assumptions(),
    scenario: Scenario | None = None,
    data_date: date | None = None,
) -> GapAnalysis:
    """The gap analysis for `period`, for the whole district or for the ward `ward_code`.

    With a `scenario`, services, places and IDVA time are those of the register after its changes (see
    metrics/scenario.py); people reached and need are as they were. `data_date` (default: the day of the last
    refresh) is the day contract risk is counted from.
    """
    ward_names = dict(con.sql(query_sql("coverage_wards")).fetchall())
    if ward_code is not None and ward_code not in ward_names:
        raise UnknownWard(f"no ward {ward_code!r} in the warehouse; ward codes look like E05xxxxxx")
    if data_date is None:
        refreshed = con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]
        data_date = refreshed.date() if refreshed else period.end
    served = read.rows(con, "services_served_wards")
    centroids = read.rows(con, "ward_centroids")
    places_a_year: dict[str, float] = {}
    changed = None
    if scenario is not None:
        changed, places_a_year = apply(scenario, served, centroids, idva_cases_per_fte=assumptions.idva_cases_per_fte)
    register = service_register(con, ward_code=ward_code)
    serving = pl.col("service_id").is_in(register["service_id"].to_list())
    capacity, outcomes = referral_tables(con, period, rule, places_a_year=places_a_year)
    coverage = coverage_matrix(con, period, rule, reach_gap_pct=assumptions.reach_gap_pct, served=changed)
    nearest = nearest_services(served if changed is None else changed, centroids, capacity)
    if ward_code is not None:
        coverage = coverage.filter(pl.col("ward_code") == ward_code)
    coverage = (
        coverage.join(nearest, on=["ward_code", "client_group"], how="left")
        .with_columns(
            group_short=pl.col("client_group").replace_strict(GROUP_SHORT_LABELS, default=pl.col("group_label")),
            has_no_service=pl.col("gap_reason").str.contains("no service"),
            has_low_reach=pl.col("gap_reason").str.contains("reach below"),
        )
        .with_columns(
            gap_kind=pl.when(pl.col("has_no_service") & pl.col("has_low_reach"))
            .then(pl.lit("no service, low reach"))
            .when(pl.col("has_no_service"))
            .then(pl.lit("no service"))
            .when(pl.col("has_low_reach"))
            .then(pl.lit("low reach"))
            .otherwise(pl.lit("")),
        )
        .sort("ward_code", pl.col("client_group").replace_strict(GROUP_ORDER, default=len(GROUP_ORDER)))
    )
    idva = idva_capacity(con, period, rule, assumptions=assumptions, served=changed)
    if ward_code is not None:
        idva = idva.filter((pl.col("level") == "district") | (pl.col("ward_code") == ward_code))
    indicators = area_indicators(con, period, rule, ward_code)
    capacity = capacity.filter(serving).with_columns(service_type=service_type_words(pl.col("service_type")))
    outcomes = outcomes.with_columns(service_type=service_type_words(pl.col("service_type")))
    return GapAnalysis(
        period=period,
        ward_code=ward_code,
        area=ward_names.get(ward_code, "the whole district"),
        rule=rule,
        register=register,
        coverage=coverage,
        idva=idva,
        indicators=indicators,
        benchmarks=against_benchmarks(indicators),
        capacity=capacity,
        outcomes=outcomes.filter(serving),
        risks=contract_risks(register, capacity, as_of=data_date, months=assumptions.contract_risk_months),
        assumptions=assumptions,
        data_date=data_date,
        scenario=scenario,
    )
