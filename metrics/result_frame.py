"""The rows of `compute`'s result frame: value and limits, comparisons in words (each row's figures are
metrics/result_values.py's), ready for disclosure control.

`compute_many` makes the rows of many results at once; `metrics.result_protection.protect` runs disclosure control
over all of them together, each result on its own, as `protect_frame` would over that result's frame alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import polars as pl

from metrics import overdispersion
from metrics.compare import describe
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule, shown_count
from metrics.overdispersion import Dispersion
from metrics.periods import Period
from metrics.result_values import comparator_phrase, compare, compare_overdispersed, interval

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
    every_ward: list[tuple[str | None, float, float]] | None = None  # for one ward picked by the filters: all wards' sums


def records(result: Result, position: int, rule: DisclosureRule, dispersion: Dispersion | None = None) -> list[dict]:
    """One record per summed row, tagged with the result's position; wards compared with the district with their
    limits widened for `dispersion` when it is given.

    Below district level the value, its limits and its comparisons are worked out from the counts as the
    rule publishes them (the rounded numerator, and a proportion's rounded denominator), so they say no
    more than the counts do; the exact counts stay in the record for disclosure control to judge.
    """
    indicator, period = result.indicator, result.period
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
            comparison = compare(indicator, interval95, interval998, value)
        else:
            comparison = compare_overdispersed(indicator, shown_numerator, shown_denominator, value, dispersion)
        local_name, local_value = result.local.get(cut_value, result.local.get(None, (None, None)))
        local_comparison = compare(indicator, interval95, interval998, local_value)
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
                    describe(comparison, comparator_phrase(name)) + (OVERDISPERSED_NOTE if dispersion else "")
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


def dispersion_wards(result: Result) -> Result | None:
    """The result whose wards Spiegelhalter's overdispersion is judged across, when it applies: the result itself
    for a cut by ward, every ward for one ward picked by the filters (as the same ward is judged in a result by
    ward), None for other cuts, counts, or no single district comparator."""
    _name, value = result.comparators.get(None, (None, None))
    if result.cut != "ward" or len(result.comparators) != 1 or value is None or result.indicator.method is Method.COUNT:
        return None
    if result.every_ward is None:
        return result
    return replace(result, rows=result.every_ward, every_ward=None)


def ward_dispersion(
    result: Result, wards: Sequence[tuple[float | None, float | None]], rule: DisclosureRule | None = None
) -> Dispersion | None:
    """Spiegelhalter's overdispersion across `wards` (numerator, denominator; as `rule` publishes them, a hidden
    count None) against the district's value in `result`; None when they vary no more than chance allows
    (metrics/overdispersion.py)."""
    _name, value = result.comparators.get(None, (None, None))
    if value is None:
        return None
    dispersion = overdispersion.estimate(
        [numerator for numerator, _ in wards],
        [denominator for _, denominator in wards],
        target=value / result.indicator.multiplier,
        proportion=result.indicator.method is Method.PROPORTION,
        rounded_to=1 if rule is None else rule.rounding_base,
        hidden_up_to=0 if rule is None else rule.threshold,
    )
    return dispersion if dispersion.is_overdispersed else None


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
