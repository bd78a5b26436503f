"""The gap analysis: need against reach and capacity by ward and client group, the IDVA gap, and
MARAC against SafeLives levels, for one period and either the district or one ward.

The Services page and the gap-analysis workbook both read one `GapAnalysis`, so the numbers a
board member sees are the numbers a commissioner exports. Every count of people in it has passed
through disclosure control under the rule given: the service products (metrics/coverage.py,
metrics/service_referrals.py, metrics/idva_capacity.py) and `compute` protect their own results, and the district totals `compute` leaves exact are protected here as well, because
the small-numbers rule applies to any count below national level and these totals are exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from etl.contract.values import ServiceType
from metrics import read
from metrics.aggregate import GroupFilters, UnsupportedCut, query_sql
from metrics.commissioning import contract_risks, nearest_services
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.compute import Filters, Request, compute_many
from metrics.coverage import Assumptions, coverage_matrix
from metrics.definitions import Method
from metrics.disclosure import NOT_SHOWN, SUPPRESSED_TEXT, DisclosureRule, ProtectedCount, protect_count
from metrics.idva_capacity import idva_capacity
from metrics.periods import Period
from metrics.registry import get
from metrics.scenario import Scenario, apply
from metrics.service_referrals import referral_tables

MARAC_INDICATORS = (
    "marac_cases_per_10000_women",
    "marac_repeat_pct",
    "marac_non_police_referrals_pct",
    "marac_minoritised_pct",
    "marac_lgbt_pct",
    "marac_disabled_pct",
    "marac_male_pct",
    "marac_aged_16_17_pct",
)
SERVICE_INDICATORS = (
    "people_reached_per_1000",
    "children_reached_per_1000_children",
    "perpetrators_reached_per_1000",
    "reach_vs_need_pct",
    "service_completion_pct",
    "service_dropout_pct",
    "perpetrator_programme_uptake_pct",
    "perpetrator_programme_completion_pct",
)
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
# Service types in words for tables and sheets (the contract's values are codes).
SERVICE_TYPE_LABELS = {
    ServiceType.idva: "IDVA service",
    ServiceType.outreach: "Outreach",
    ServiceType.refuge: "Refuge",
    ServiceType.children: "Children's service",
    ServiceType.perpetrator_programme: "Perpetrator programme",
    ServiceType.helpline: "Helpline",
    ServiceType.counselling: "Counselling",
    ServiceType.legal: "Legal advice",
    ServiceType.other: "Other",
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
    indicators = _indicators(con, period, rule, ward_code)
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
        benchmarks=_benchmarks(indicators),
        capacity=capacity,
        outcomes=outcomes.filter(serving),
        risks=contract_risks(register, capacity, as_of=data_date, months=assumptions.contract_risk_months),
        assumptions=assumptions,
        data_date=data_date,
        scenario=scenario,
    )


def service_type_words(column: pl.Expr) -> pl.Expr:
    """A service type in words: the label declared here, else the code with spaces."""
    labels = {str(code): label for code, label in SERVICE_TYPE_LABELS.items()}
    return column.replace_strict(labels, default=column.str.replace_all("_", " "), return_dtype=pl.String)


def service_register(con: duckdb.DuckDBPyConnection, *, ward_code: str | None = None) -> pl.DataFrame:
    """The registered services (serving `ward_code` when given) in plain words, with their bases.

    Register figures (capacity, case workers) describe services, not people, so they are shown as
    registered. A service with no base held (a refuge's address is kept confidential) has no
    latitude or longitude.
    """
    register = read.rows(con, "service_register")
    if ward_code is not None:
        register = register.filter(pl.col("wards_served").list.contains("all") | pl.col("wards_served").list.contains(ward_code))
    words = pl.element().str.replace_all("_", " ")
    return register.with_columns(
        service_type=service_type_words(pl.col("service_type")),
        client_groups=pl.col("client_groups").list.eval(words).list.join(", ").str.replace("lgbt", "LGBT+"),
        wards_served_names=pl.col("wards_served_names").fill_null("none named"),
        contract_ends=pl.when(pl.col("contract_ends_on").is_not_null())
        .then(pl.col("contract_ends_on").dt.strftime("%Y-%m-%d"))
        .when(pl.col("is_commissioned"))
        .then(pl.lit("no end date registered"))
        .otherwise(pl.lit("not commissioned")),
        by_and_for=pl.when(pl.col("is_by_and_for")).then(pl.lit("yes")).otherwise(pl.lit("no")),
        has_base=pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null(),
    ).drop("wards_served")


def _indicators(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, ward_code: str | None) -> pl.DataFrame:
    filters = Filters(period=period, groups=GroupFilters(ward_code=ward_code))
    results = compute_many(
        con, [Request(indicator_id, filters) for indicator_id in (*MARAC_INDICATORS, *SERVICE_INDICATORS)], rule=rule
    )
    frames = []
    for result in results:
        if isinstance(result, UnsupportedCut):  # every one of them can be cut by ward
            raise result
        frames.append(_protect_district_total(result, rule).with_columns(pl.col("numerator", "denominator").cast(pl.Float64)))
    return pl.concat(frames, how="diagonal_relaxed")


HIDDEN_COUNT = ProtectedCount(display=SUPPRESSED_TEXT, value=None, is_suppressed=True, is_rounded=False)


def _protect_district_total(frame: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    """Round a district total, or hide it with its value when it is small (1 to the threshold)."""
    if frame.height != 1 or frame["cut"][0] != "district":
        return frame
    row = frame.row(0, named=True)
    is_proportion = get(row["indicator_id"]).method is Method.PROPORTION
    names = ["numerator", "denominator"] if is_proportion else ["numerator"]
    # a count disclosure control already hid (a protected period's, say) stays hidden: it is not a 0
    counts = {name: HIDDEN_COUNT if row[name] is None else protect_count(int(row[name]), rule) for name in names}
    updates = [pl.lit(count.value, dtype=frame.schema[name]).alias(name) for name, count in counts.items()]
    updates += [pl.lit(count.is_suppressed).alias(f"{name}_suppressed") for name, count in counts.items()]
    if not any(count.is_suppressed for count in counts.values()):
        return frame.with_columns(updates)
    hidden = [
        pl.lit(None, dtype=frame.schema[column]).alias(column)
        for column in ("value", "lower_95", "upper_95", "lower_998", "upper_998")
    ]
    return frame.with_columns(
        *updates,
        *hidden,
        value_suppressed=pl.lit(True),
        comparison=pl.lit(Comparison.NOT_COMPARED.value),
        comparison_text=pl.lit(NOT_SHOWN),
        local_comparison=pl.lit(Comparison.NOT_COMPARED.value),
        local_comparison_text=pl.when(pl.col("local_comparator").is_not_null())
        .then(pl.lit(NOT_SHOWN))
        .otherwise(pl.col("local_comparison_text")),
    )


def _benchmarks(indicators: pl.DataFrame) -> pl.DataFrame:
    """Each indicator's value set against every published benchmark it carries (SafeLives, say)."""
    rows = []
    for row in indicators.iter_rows(named=True):
        indicator = get(row["indicator_id"])
        for benchmark in indicator.benchmarks:
            if row["value_suppressed"]:
                comparison, text = Comparison.NOT_COMPARED, NOT_SHOWN
            else:
                comparison = compare_to_comparator(
                    lower95=row["lower_95"],
                    upper95=row["upper_95"],
                    comparator=benchmark.value,
                    polarity=indicator.polarity,
                    lower998=row["lower_998"],
                    upper998=row["upper_998"],
                )
                percent = "%" if indicator.unit.startswith("%") else ""
                text = describe(comparison, f"{benchmark.label} benchmark of {benchmark.value:g}{percent}")
            rows.append(
                {
                    "indicator_id": indicator.id,
                    "title": indicator.title,
                    "unit": indicator.unit,
                    "value": row["value"],
                    "lower_95": row["lower_95"],
                    "upper_95": row["upper_95"],
                    "value_suppressed": row["value_suppressed"],
                    "benchmark": benchmark.label,
                    "benchmark_value": benchmark.value,
                    "source": benchmark.source,
                    "comparison": comparison.value,
                    "comparison_text": text,
                }
            )
    schema = {
        "indicator_id": pl.String,
        "title": pl.String,
        "unit": pl.String,
        "value": pl.Float64,
        "lower_95": pl.Float64,
        "upper_95": pl.Float64,
        "value_suppressed": pl.Boolean,
        "benchmark": pl.String,
        "benchmark_value": pl.Float64,
        "source": pl.String,
        "comparison": pl.String,
        "comparison_text": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)
