"""The MARAC and service indicators the gap analysis shows for an area (protected by `compute`, the district's as
every figure is), each set against the published benchmarks it carries (SafeLives, say)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.compute import Filters, Request, compute_many
from metrics.disclosure import NOT_SHOWN, DisclosureRule
from metrics.periods import Period
from metrics.registry import get

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


def area_indicators(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, ward_code: str | None) -> pl.DataFrame:
    """MARAC_INDICATORS then SERVICE_INDICATORS for the district or the ward."""
    filters = Filters(period=period, groups=GroupFilters(ward_code=ward_code))
    results = compute_many(
        con, [Request(indicator_id, filters) for indicator_id in (*MARAC_INDICATORS, *SERVICE_INDICATORS)], rule=rule
    )
    frames = []
    for result in results:
        if isinstance(result, UnsupportedCut):  # every one of them can be cut by ward
            raise result
        frames.append(result.with_columns(pl.col("numerator", "denominator").cast(pl.Float64)))
    return pl.concat(frames, how="diagonal_relaxed")


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
