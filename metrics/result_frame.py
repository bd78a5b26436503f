"""The rows of `compute`'s result frame: value and limits, comparisons in words, and disclosure control.

`compute_many` makes the rows of many results at once; `protect` runs disclosure control over all of them
together, each result on its own, as `protect_frame` would over that result's frame alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from metrics import overdispersion
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.definitions import Indicator, Method
from metrics.disclosure import NOT_SHOWN, DisclosureRule, protect_frame, shown_count
from metrics.overdispersion import Dispersion
from metrics.periods import Period
from metrics.stats import Interval, rate_ci, wilson_ci, z_for

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

CI_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")
RESULT_COLUMNS = (
    "indicator_id",
    "title",
    "unit",
    "period",
    "period_start",
    "period_end",
    "cut",
    "cut_value",
    "cut_label",
    "numerator",
    "denominator",
    "value",
    *CI_COLUMNS,
    "method",
    "comparator",
    "comparator_value",
    "comparison",
    "comparison_text",
    "local_comparator",
    "local_comparator_value",
    "local_comparison",
    "local_comparison_text",
    "trend",
    "trend_reason",
    "numerator_suppressed",
    "value_suppressed",
    "disclosure_rule",
)
NO_LOCAL_COMPARATOR = "no local population comparator"
CUT_TOTAL = "total of the cut"  # the level of the row standing in for that total while disclosure control runs
OVERDISPERSED_NOTE = " (wards vary more than chance allows, so the limits are widened for it)"
RESULT = "__result"  # the column telling one result's rows from another's while they are protected together

Comparators = dict[str | None, tuple[str | None, float | None]]  # cut value (None: every row) -> (name, value)


@dataclass(frozen=True)
class Result:
    """What one result's rows are made from: the summed rows (cut value, numerator, denominator), sorted."""

    indicator: Indicator
    period: Period
    cut: str
    rows: list[tuple[str | None, float, float]]
    labels: dict[str, str]
    comparators: Comparators
    local: Mapping[str | None, tuple[str | None, float | None]]
    trends: dict[str | None, tuple[str, str | None]]
    district_level: bool
    parts_of_a_total: bool


def records(result: Result, position: int, rule: DisclosureRule) -> list[dict]:
    """One record per summed row, tagged with the result's position.

    Below district level the value, its limits and its comparisons are worked out from the counts as the
    rule publishes them (the rounded numerator, and a proportion's rounded denominator), so they say no
    more than the counts do; the exact counts stay in the record for disclosure control to judge.
    """
    indicator, period = result.indicator, result.period
    dispersion = ward_dispersion(result)
    counts_people = indicator.method is Method.PROPORTION
    rows = []
    for cut_value, numerator, denominator in result.rows:
        if result.district_level:
            shown_numerator, shown_denominator = numerator, denominator
        else:
            shown_numerator = shown_count(numerator, rule)
            shown_denominator = shown_count(denominator, rule) if counts_people else denominator
        interval95 = interval(indicator, shown_numerator, shown_denominator, 0.95)
        interval998 = interval(indicator, shown_numerator, shown_denominator, 0.998)
        name, value = result.comparators.get(cut_value, result.comparators.get(None, (None, None)))
        if dispersion is None:
            comparison = _compare(indicator, interval95, interval998, value)
        else:
            comparison = _compare_overdispersed(indicator, shown_numerator, shown_denominator, value, dispersion)
        local_name, local_value = result.local.get(cut_value, result.local.get(None, (None, None)))
        local_comparison = _compare(indicator, interval95, interval998, local_value)
        trend_marker, trend_reason = result.trends.get(cut_value, result.trends.get(None, (None, None)))
        rows.append(
            {
                "indicator_id": indicator.id,
                "title": indicator.title,
                "unit": indicator.unit,
                "period": period.label,
                "period_start": period.start,
                "period_end": period.end,
                "cut": result.cut,
                "cut_value": cut_value,
                "cut_label": result.labels.get(cut_value, cut_value) if cut_value is not None else None,
                # a count has no denominator to show (a count indicator may share a percentage's query)
                "numerator": numerator,
                "denominator": None if indicator.method is Method.COUNT else denominator,
                "value": interval95.value if interval95 else None,
                "lower_95": interval95.lower if interval95 else None,
                "upper_95": interval95.upper if interval95 else None,
                "lower_998": interval998.lower if interval998 else None,
                "upper_998": interval998.upper if interval998 else None,
                "method": interval95.method if interval95 else indicator.method.value,
                "comparator": name,
                "comparator_value": value,
                "comparison": comparison.value,
                "comparison_text": (
                    describe(comparison, _comparator_phrase(name)) + (OVERDISPERSED_NOTE if dispersion else "")
                    if name
                    else "no comparator"
                ),
                "local_comparator": local_name,
                "local_comparator_value": local_value,
                "local_comparison": local_comparison.value,
                "local_comparison_text": describe(local_comparison, local_name) if local_name else NO_LOCAL_COMPARATOR,
                "trend": trend_marker,
                "trend_reason": trend_reason,
                "level": "district" if result.district_level else "sub-district",
                RESULT: position,
            }
        )
    return rows


def interval(indicator: Indicator, numerator: float, denominator: float, confidence: float) -> Interval | None:
    if indicator.method is Method.COUNT:
        return Interval(numerator, None, None, confidence, "count", numerator, denominator)
    if not denominator or denominator <= 0:
        return None
    if indicator.method is Method.PROPORTION:
        return wilson_ci(numerator, denominator, confidence=confidence, multiplier=indicator.multiplier)
    return rate_ci(numerator, denominator, multiplier=indicator.multiplier, confidence=confidence)


def value_of(indicator: Indicator, numerator: float, denominator: float) -> float | None:
    calculated = interval(indicator, numerator, denominator, 0.95)
    return calculated.value if calculated else None


def _compare(
    indicator: Indicator, interval95: Interval | None, interval998: Interval | None, comparator: float | None
) -> Comparison:
    if interval95 is None or interval998 is None or interval95.lower is None:
        return Comparison.NOT_COMPARED
    return compare_to_comparator(
        lower95=interval95.lower,
        upper95=interval95.upper,
        comparator=comparator,
        polarity=indicator.polarity,
        lower998=interval998.lower,
        upper998=interval998.upper,
    )


def ward_dispersion(result: Result) -> Dispersion | None:
    """Spiegelhalter's overdispersion across a result's wards against the district, when there is any
    (metrics/overdispersion.py); None for other cuts, or wards that vary no more than chance allows."""
    _name, value = result.comparators.get(None, (None, None))
    if result.cut != "ward" or len(result.comparators) != 1 or value is None or result.indicator.method is Method.COUNT:
        return None
    target = value / result.indicator.multiplier
    numerators = [numerator for _, numerator, _ in result.rows]
    denominators = [denominator or 0.0 for _, _, denominator in result.rows]
    dispersion = overdispersion.estimate(
        numerators, denominators, target=target, proportion=result.indicator.method is Method.PROPORTION
    )
    return dispersion if dispersion.is_overdispersed else None


def _compare_overdispersed(
    indicator: Indicator, numerator: float, denominator: float, comparator: float | None, dispersion: Dispersion
) -> Comparison:
    """A ward against the district with its limits widened for overdispersion: similar when the district value
    lies within the ward's value +/- z x its widened standard error at the district value."""
    if not denominator or denominator <= 0 or comparator is None:
        return Comparison.NOT_COMPARED
    scale = indicator.multiplier
    target = comparator / scale
    spread = float(
        dispersion.standard_error(
            overdispersion.null_standard_errors([denominator], target, proportion=indicator.method is Method.PROPORTION)
        )[0]
    )
    value = numerator / denominator
    return compare_to_comparator(
        lower95=(value - z_for(0.95) * spread) * scale,
        upper95=(value + z_for(0.95) * spread) * scale,
        lower998=(value - z_for(0.998) * spread) * scale,
        upper998=(value + z_for(0.998) * spread) * scale,
        comparator=comparator,
        polarity=indicator.polarity,
    )


def _comparator_phrase(name: str) -> str:
    """'the district' reads as it is; a published figure reads 'the England and Wales benchmark'."""
    return name if name.startswith("district") else f"{name} benchmark"


def schema() -> dict[str, PolarsDataType]:
    floats = ("numerator", "denominator", "value", *CI_COLUMNS, "comparator_value", "local_comparator_value")
    strings = tuple(
        column
        for column in RESULT_COLUMNS
        if column not in (*floats, "period_start", "period_end", "numerator_suppressed", "value_suppressed", "disclosure_rule")
    )
    return {
        **{column: pl.Float64 for column in floats},
        **{column: pl.String for column in strings},
        "period_start": pl.Date,
        "period_end": pl.Date,
    }


def protect(results: Sequence[Result], rule: DisclosureRule) -> list[pl.DataFrame]:
    """Each result's frame through disclosure control: counts of people rounded or hidden, and rates and limits
    hidden with their count.

    The rows of a cut by ward or group add up to a total the page publishes beside them (the district's
    or the ward's own figure, and each row's comparator), and a rate beside a rounded count gives the count
    away. So a row standing in for that total joins disclosure control, and where one row hides a count
    another is hidden too: no hidden count is the total less the counts shown.
    """
    frames: dict[int, pl.DataFrame] = {}
    for proportions in (True, False):  # a proportion's denominator is a count of people too
        chosen = [
            position for position, result in enumerate(results) if (result.indicator.method is Method.PROPORTION) is proportions
        ]
        if chosen:
            frames_of_kind = _protect_kind([results[position] for position in chosen], chosen, rule, proportions)
            for position, frame in zip(chosen, frames_of_kind, strict=True):
                frames[position] = frame
    return [frames[position] for position in range(len(results))]


def _protect_kind(results: list[Result], positions: list[int], rule: DisclosureRule, proportions: bool) -> list[pl.DataFrame]:
    rows = [row for result, position in zip(results, positions, strict=True) for row in records(result, position, rule)]
    if not rows:
        return [_empty(rule, proportions) for _ in positions]
    marked = pl.DataFrame(rows, schema_overrides={**schema(), "level": pl.String, RESULT: pl.Int64}, infer_schema_length=None)
    counts = _counts(proportions)
    totals = [
        _cut_total(marked.filter(pl.col(RESULT) == position), counts)
        for result, position in zip(results, positions, strict=True)
        if result.parts_of_a_total
    ]
    marked = pl.concat([marked, *[total for total in totals if total is not None]], how="vertical_relaxed")
    protected = _protected(marked, rule, proportions, group_columns=[RESULT])
    by_result = protected.partition_by(RESULT, as_dict=True, include_key=False, maintain_order=True)
    return [by_result[(position,)] if (position,) in by_result else _empty(rule, proportions) for position in positions]


def _empty(rule: DisclosureRule, proportions: bool) -> pl.DataFrame:
    """A result with no rows, its columns in the order of the schema."""
    return _protected(pl.DataFrame(schema=schema()).with_columns(level=pl.lit("district")), rule, proportions)


def _counts(proportions: bool) -> list[str]:
    return ["numerator"] + (["denominator"] if proportions else [])


def _protected(marked: pl.DataFrame, rule: DisclosureRule, proportions: bool, group_columns: Sequence[str] = ()) -> pl.DataFrame:
    protected = protect_frame(
        marked,
        count_columns=_counts(proportions),
        ratio_columns={"value": ("numerator", "denominator" if proportions else "numerator")},
        interval_columns={"value": CI_COLUMNS},
        rule=rule,
        level_column="level",
        unsuppressed_levels=("district", CUT_TOTAL),
        group_columns=group_columns,
    ).filter(pl.col("level") != CUT_TOTAL)
    hidden = pl.col("value_suppressed")
    return protected.with_columns(
        comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("comparison")),
        comparison_text=pl.when(hidden).then(pl.lit(NOT_SHOWN)).otherwise(pl.col("comparison_text")),
        local_comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("local_comparison")),
        local_comparison_text=pl.when(hidden & pl.col("local_comparator").is_not_null())
        .then(pl.lit(NOT_SHOWN))
        .otherwise(pl.col("local_comparison_text")),
        disclosure_rule=pl.lit(rule.describe()),
    ).drop("level")


def _cut_total(frame: pl.DataFrame, counts: list[str]) -> pl.DataFrame | None:
    """The row standing in for the total of one result's cut: its counts summed, everything else empty."""
    if frame.is_empty():
        return None
    columns = [column for column in frame.columns if column not in ("level", RESULT)]
    return (
        frame.head(1)
        .with_columns(pl.lit(None).alias(column) for column in columns)
        .with_columns(
            [pl.lit(frame[column].fill_null(0).sum(), dtype=frame.schema[column]).alias(column) for column in counts],
            level=pl.lit(CUT_TOTAL),
        )
    )
