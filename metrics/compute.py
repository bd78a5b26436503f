"""`compute`: an indicator and filters in, a tidy frame out, where every row describes itself.

Each row carries the cut, numerator, denominator, value, 95% and 99.8% limits, method,
comparator and its value, the comparison in words, the trend marker, and disclosure flags.
Indicators that declare a local population share are also compared with it (`local_*` columns).
Pages, exports and the CLI render these frames and never recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from metrics import periods
from metrics.aggregate import GroupFilters, UnsupportedCut, aggregate, data_coverage
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.local_share import local_comparators
from metrics.periods import Period
from metrics.precompute import trend_span
from metrics.registry import get
from metrics.stats import Interval, rate_ci, wilson_ci
from metrics.trend import TrendMarker, TrendPoint, proportion_trend, rate_trend

PERIOD_DIMS = ("month", "quarter", "year")
CI_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")
RESULT_COLUMNS = (
    "indicator_id", "title", "unit", "period", "period_start", "period_end", "cut", "cut_value", "cut_label",
    "numerator", "denominator", "value", *CI_COLUMNS, "method", "comparator", "comparator_value", "comparison",
    "comparison_text", "local_comparator", "local_comparator_value", "local_comparison", "local_comparison_text",
    "trend", "trend_reason", "numerator_suppressed", "value_suppressed", "disclosure_rule",
)
NO_LOCAL_COMPARATOR = "no local population comparator"
CUTS_OF_A_TOTAL = ("ward", "sex", "age_band", "ethnicity")  # cuts whose rows add up to a total shown beside them
CUT_TOTAL = "total of the cut"  # the level of the row standing in for that total while disclosure control runs
HIDDEN_TEXT = "not shown: too few people to show safely"
__all__ = ["Filters", "UnsupportedCut", "compute", "default_period"]


@dataclass(frozen=True)
class Filters:
    """What to compute: a period (default: the latest 12 whole months), a cut and group filters."""

    period: Period | None = None
    by: str | None = None
    groups: GroupFilters = field(default_factory=GroupFilters)


def default_period(con: duckdb.DuckDBPyConnection) -> Period:
    """The 12 whole months ending with the latest month that has police incidents."""
    latest = con.sql("select max(reported_on) from mart_incidents").fetchall()[0][0]
    return periods.rolling_12_months(latest or date.today())


def compute(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    filters: Filters = Filters(),
    *,
    rule: DisclosureRule,
    with_trend: bool = True,
) -> pl.DataFrame:
    """The result frame for one indicator, passed through disclosure control under `rule`."""
    indicator = get(indicator_id)
    period = filters.period or default_period(con)
    dims = (filters.by,) if filters.by else ()
    rows = aggregate(con, indicator, period, dims=dims, filters=filters.groups)
    if filters.by:
        rows = rows.rename({filters.by: "cut_value"}).with_columns(pl.col("cut_value").cast(pl.String))
    else:
        label = filters.groups.ward_code or "district"
        rows = rows.with_columns(cut_value=pl.lit(label))
    if filters.by == "ward":  # every ward gets a row, so a ward with no events reads as none, not missing
        every_ward = pl.DataFrame({"cut_value": [code for (code,) in con.sql("select ward_code from mart_wards").fetchall()]},
                                  schema={"cut_value": pl.String})
        rows = every_ward.join(rows, on="cut_value", how="left").with_columns(
            pl.col("numerator").fill_null(0.0), pl.col("denominator").fill_null(0.0))
    rows = rows.sort("cut_value")
    comparators = _comparators(con, indicator, period, filters)
    local = local_comparators(con, indicator, period, by=filters.by, groups=filters.groups)
    trends = _trends(con, indicator, filters) if with_trend and indicator.method is not Method.COUNT else {}
    labels = _ward_names(con) if (filters.by == "ward" or (not filters.by and filters.groups.ward_code)) else {}
    records = []
    for row in rows.iter_rows(named=True):
        interval95 = _interval(indicator, row["numerator"], row["denominator"], 0.95)
        interval998 = _interval(indicator, row["numerator"], row["denominator"], 0.998)
        name, value = comparators.get(row["cut_value"], comparators.get(None, (None, None)))
        comparison = _compare(indicator, interval95, interval998, value)
        local_name, local_value = local.get(row["cut_value"], local.get(None, (None, None)))
        local_comparison = _compare(indicator, interval95, interval998, local_value)
        trend_marker, trend_reason = trends.get(row["cut_value"], trends.get(None, (None, None)))
        records.append({
            "indicator_id": indicator.id, "title": indicator.title, "unit": indicator.unit,
            "period": period.label, "period_start": period.start, "period_end": period.end,
            "cut": filters.by or ("ward" if filters.groups.ward_code else "district"),
            "cut_value": row["cut_value"], "cut_label": labels.get(row["cut_value"], row["cut_value"]),
            # a count has no denominator to show (a count indicator may share a percentage's query)
            "numerator": row["numerator"], "denominator": None if indicator.method is Method.COUNT else row["denominator"],
            "value": interval95.value if interval95 else None,
            "lower_95": interval95.lower if interval95 else None, "upper_95": interval95.upper if interval95 else None,
            "lower_998": interval998.lower if interval998 else None, "upper_998": interval998.upper if interval998 else None,
            "method": interval95.method if interval95 else indicator.method.value,
            "comparator": name, "comparator_value": value, "comparison": comparison.value,
            "comparison_text": describe(comparison, _comparator_phrase(name)) if name else "no comparator",
            "local_comparator": local_name, "local_comparator_value": local_value,
            "local_comparison": local_comparison.value,
            "local_comparison_text": describe(local_comparison, local_name) if local_name else NO_LOCAL_COMPARATOR,
            "trend": trend_marker, "trend_reason": trend_reason,
        })
    frame = pl.DataFrame(records, schema_overrides=_schema(), infer_schema_length=None) if records else _empty()
    return _protect(frame, indicator, rule, district_level=not filters.by and not filters.groups.ward_code,
                    parts_of_a_total=filters.by in CUTS_OF_A_TOTAL)


def _interval(indicator: Indicator, numerator: float, denominator: float, confidence: float) -> Interval | None:
    if indicator.method is Method.COUNT:
        return Interval(numerator, None, None, confidence, "count", numerator, denominator)
    if not denominator or denominator <= 0:
        return None
    if indicator.method is Method.PROPORTION:
        return wilson_ci(numerator, denominator, confidence=confidence, multiplier=indicator.multiplier)
    return rate_ci(numerator, denominator, multiplier=indicator.multiplier, confidence=confidence)


def _compare(indicator: Indicator, interval95: Interval | None, interval998: Interval | None, comparator: float | None) -> Comparison:
    if interval95 is None or interval998 is None or interval95.lower is None:
        return Comparison.NOT_COMPARED
    return compare_to_comparator(
        lower95=interval95.lower, upper95=interval95.upper, comparator=comparator, polarity=indicator.polarity,
        lower998=interval998.lower, upper998=interval998.upper,
    )


def _comparators(con, indicator: Indicator, period: Period, filters: Filters) -> dict[str | None, tuple[str | None, float | None]]:
    """Comparator for each cut value (key None: for every row)."""
    groups = filters.groups
    if filters.by in PERIOD_DIMS:
        return {None: (None, None)}
    if not filters.by and not groups.ward_code:
        benchmark = indicator.benchmarks[0] if indicator.benchmarks else None
        return {None: (benchmark.name, benchmark.value) if benchmark else (None, None)}
    district_groups = GroupFilters(None, groups.sex, groups.age_band, groups.ethnicity)
    if filters.by and filters.by != "ward" and groups.ward_code:
        # A group within a ward is compared with the same group across the district.
        district = aggregate(con, indicator, period, dims=(filters.by,), filters=district_groups)
        return {
            str(row[filters.by]): (f"district ({row[filters.by]})", _value(indicator, row["numerator"], row["denominator"]))
            for row in district.iter_rows(named=True)
        }
    # Wards, or groups across the district, are compared with the whole district under the
    # same group filters (Asian women by ward against all Asian women; by ethnic group
    # among women against all women).
    total = aggregate(con, indicator, period, filters=district_groups)
    group_words = [value for value in (groups.sex, groups.age_band, groups.ethnicity) if value]
    name = "district" if not group_words else "district (" + ", ".join(group_words) + ")"
    return {None: (name, _value(indicator, total["numerator"][0], total["denominator"][0]))}


def _comparator_phrase(name: str) -> str:
    """'the district' reads as it is; a published figure reads 'the England and Wales benchmark'."""
    return name if name.startswith("district") else f"{name} benchmark"


def _value(indicator: Indicator, numerator: float, denominator: float) -> float | None:
    interval = _interval(indicator, numerator, denominator, 0.95)
    return interval.value if interval else None


def _trends(con, indicator: Indicator, filters: Filters) -> dict[str | None, tuple[str, str | None]]:
    """Trend marker per cut value over the complete financial years held (key None: every row)."""
    if filters.by in PERIOD_DIMS or "year" not in indicator.dimensions:
        return {}
    coverage = data_coverage(con, indicator)
    if coverage is None:
        return {}
    span = trend_span(*coverage)
    if span is None:
        return {None: (TrendMarker.CANNOT_BE_CALCULATED.value, "no complete financial year of data")}
    dims = (filters.by, "year") if filters.by else ("year",)
    series = aggregate(con, indicator, span, dims=dims, filters=filters.groups)
    key = filters.by
    default_key = filters.groups.ward_code or "district"
    trend_function = proportion_trend if indicator.method is Method.PROPORTION else rate_trend
    result = {}
    groups = series.group_by(key) if key else [((default_key,), series)]
    for group_key, points in groups:
        cut_value = str(group_key[0])
        trend = trend_function([TrendPoint(row["year"], row["numerator"], row["denominator"]) for row in points.iter_rows(named=True)])
        result[cut_value] = (trend.marker.value, trend.reason)
    return result


def _ward_names(con) -> dict[str, str]:
    return dict(con.sql("select ward_code, ward_name from mart_wards").fetchall())


def _schema() -> dict[str, pl.DataType]:
    floats = ("numerator", "denominator", "value", *CI_COLUMNS, "comparator_value", "local_comparator_value")
    strings = tuple(column for column in RESULT_COLUMNS if column not in (*floats, "period_start", "period_end",
                                                                         "numerator_suppressed", "value_suppressed", "disclosure_rule"))
    return {**{column: pl.Float64 for column in floats}, **{column: pl.String for column in strings},
            "period_start": pl.Date, "period_end": pl.Date}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={column: dtype for column, dtype in _schema().items()})


def _protect(frame: pl.DataFrame, indicator: Indicator, rule: DisclosureRule, *, district_level: bool,
             parts_of_a_total: bool) -> pl.DataFrame:
    """Counts of people pass through disclosure control; rates and limits hide with their count.

    The rows of a cut by ward or group add up to a total the page publishes beside them (the district's
    or the ward's own figure, and each row's comparator), and a rate beside a rounded count gives the count
    away. So a row standing in for that total joins disclosure control, and where one row hides a count
    another is hidden too: no hidden count is the total less the counts shown.
    """
    denominator = "denominator" if indicator.method is Method.PROPORTION else "numerator"
    counts = ["numerator"] + (["denominator"] if indicator.method is Method.PROPORTION else [])
    marked = frame.with_columns(level=pl.lit("district" if district_level else "sub-district"))
    if parts_of_a_total and not frame.is_empty():
        total = marked.head(1).with_columns(pl.lit(None).alias(column) for column in frame.columns).with_columns(
            [pl.lit(frame[column].fill_null(0).sum(), dtype=frame.schema[column]).alias(column) for column in counts],
            level=pl.lit(CUT_TOTAL))
        marked = pl.concat([marked, total], how="vertical_relaxed")
    protected = protect_frame(
        marked,
        count_columns=counts,
        ratio_columns={"value": ("numerator", denominator)},
        interval_columns={"value": CI_COLUMNS},
        rule=rule,
        level_column="level",
        unsuppressed_levels=("district", CUT_TOTAL),
    ).filter(pl.col("level") != CUT_TOTAL)
    hidden = pl.col("value_suppressed")
    return protected.with_columns(
        comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("comparison")),
        comparison_text=pl.when(hidden).then(pl.lit(HIDDEN_TEXT)).otherwise(pl.col("comparison_text")),
        local_comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("local_comparison")),
        local_comparison_text=pl.when(hidden & pl.col("local_comparator").is_not_null())
        .then(pl.lit(HIDDEN_TEXT)).otherwise(pl.col("local_comparison_text")),
        disclosure_rule=pl.lit(rule.describe()),
    ).drop("level")

