"""The MARAC and service indicators the gap analysis shows for an area, with the district totals protected, and
each set against the published benchmarks it carries (SafeLives, say)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.compute import Filters, Request, compute_many
from metrics.definitions import Method
from metrics.disclosure import NOT_SHOWN, SUPPRESSED_TEXT, DisclosureRule, ProtectedCount, protect_count
from metrics.periods import Period
from metrics.registry import get
from metrics.result_values import comparator_phrase, compare, interval

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
HIDDEN_COUNT = ProtectedCount(display=SUPPRESSED_TEXT, value=None, is_suppressed=True, is_rounded=False)


def area_indicators(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, ward_code: str | None) -> pl.DataFrame:
    """MARAC_INDICATORS then SERVICE_INDICATORS for the district or the ward, the district's totals protected."""
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
        return frame.with_columns(updates + _worked_from(row, {name: count.value for name, count in counts.items()}))
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


def _worked_from(row: dict, shown: dict[str, float | None]) -> list[pl.Expr]:
    """The value, its limits and its comparison worked out again from the rounded counts: from the exact counts, the
    value beside them would give those counts back (a share of 28 in 674 is no other pair of counts)."""
    indicator = get(row["indicator_id"])
    numerator = shown["numerator"]
    denominator = shown.get("denominator", row["denominator"])
    if numerator is None or denominator is None:
        return []
    interval95 = interval(indicator, numerator, denominator, 0.95)
    interval998 = interval(indicator, numerator, denominator, 0.998)
    comparison = compare(indicator, interval95, interval998, row["comparator_value"])
    values = {
        "value": interval95.value if interval95 else None,
        "lower_95": interval95.lower if interval95 else None,
        "upper_95": interval95.upper if interval95 else None,
        "lower_998": interval998.lower if interval998 else None,
        "upper_998": interval998.upper if interval998 else None,
    }
    worked = [pl.lit(value, dtype=pl.Float64).alias(column) for column, value in values.items()]
    if row["comparator"]:
        worked += [
            pl.lit(comparison.value).alias("comparison"),
            pl.lit(describe(comparison, comparator_phrase(row["comparator"]))).alias("comparison_text"),
        ]
    return worked


def against_benchmarks(indicators: pl.DataFrame) -> pl.DataFrame:
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
