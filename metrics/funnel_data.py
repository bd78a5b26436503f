"""A funnel plot's data for one indicator: every ward's result and the control limits around the district.

The wards are `compute`'s rows cut by ward (already through disclosure control, each compared with
the district under the same group filters); the limits are drawn around that same district value,
so a ward outside the 95% funnel is a ward `compute` calls significantly higher or lower. A ward
filter is ignored: the funnel compares every ward.

Rates use exact Poisson limits (`rate_funnel`), proportions Wilson-based ones (`proportion_funnel`);
a ratio of observed to expected (the reporting ratio) is a Poisson count against a fixed expected
number, so it takes the rate funnel too. Counts have no denominator and so no funnel. When the wards vary
more than chance allows, the limits are widened for overdispersion (Spiegelhalter 2005), as `compute`'s ward
comparisons are, and `FunnelLimits.overdispersion` says so.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import polars as pl

from metrics import overdispersion
from metrics.compute import Filters, compute
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule
from metrics.funnel import (
    FunnelInputError,
    FunnelLimits,
    curve_denominators,
    proportion_funnel,
    rate_funnel,
    widened_for_overdispersion,
)
from metrics.registry import get

# The curves run a little beyond the smallest and largest ward so that no ward sits on the edge.
CURVE_MARGIN = 0.8
POINT_COLUMNS = (
    "cut_value",
    "cut_label",
    "unit",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "comparator",
    "comparator_value",
    "comparison",
    "comparison_text",
    "value_suppressed",
)


class FunnelNotAvailable(ValueError):
    """No funnel can be drawn for this indicator and selection; the message says why in plain words."""


def ward_funnel(
    con: duckdb.DuckDBPyConnection, rule: DisclosureRule, indicator_id: str, filters: Filters
) -> tuple[pl.DataFrame, FunnelLimits]:
    """Every ward's point (denominator, value, comparison) and the 95% and 99.8% limits around the district."""
    indicator = get(indicator_id)
    if indicator.method is Method.COUNT:
        raise FunnelNotAvailable(f"{indicator.title} is a count with no denominator, so wards cannot be set on a funnel.")
    across_wards = replace(filters.groups, ward_code=None)
    wards = compute(con, indicator_id, Filters(filters.period, "ward", across_wards), rule=rule, with_trend=False)
    district = compute(con, indicator_id, Filters(filters.period, None, across_wards), rule=rule, with_trend=False)
    sizes = wards.filter(pl.col("denominator") > 0)["denominator"]
    if district.is_empty() or sizes.is_empty():
        raise FunnelNotAvailable("There are no wards with data for this selection, so there is no funnel to draw.")
    smallest, largest = float(sizes.to_numpy().min()), float(sizes.to_numpy().max())
    curve = curve_denominators(smallest * CURVE_MARGIN, largest / CURVE_MARGIN)
    # under group filters the district is protected: the limits are drawn around its counts as published
    numerator, denominator = district["numerator"][0], district["denominator"][0]
    if numerator is None or denominator is None:
        raise FunnelNotAvailable("Too few people across the district for this selection to draw a funnel safely.")
    try:
        if indicator.method is Method.PROPORTION:
            limits = proportion_funnel(
                curve, district_numerator=numerator, district_denominator=denominator, multiplier=indicator.multiplier
            )
        else:
            limits = rate_funnel(
                curve, district_count=numerator, district_denominator=denominator, multiplier=indicator.multiplier
            )
    except FunnelInputError:
        raise FunnelNotAvailable("The district has no events for this selection, so there is no funnel to draw.") from None
    proportion = indicator.method is Method.PROPORTION
    # Spiegelhalter's dispersion over the wards as shown, as the ward table's comparisons are judged
    dispersion = overdispersion.estimate(
        wards["numerator"].to_list(),
        wards["denominator"].to_list(),
        target=numerator / denominator,
        proportion=proportion,
        rounded_to=rule.rounding_base,
        hidden_up_to=rule.threshold,
    )
    return wards.select(POINT_COLUMNS), widened_for_overdispersion(limits, dispersion, proportion=proportion)


def denominator_label(indicator: Indicator) -> str:
    """The funnel's horizontal axis in plain words: what each ward's value is out of."""
    if indicator.method is Method.RATIO:
        return "expected number (the ward's size on this measure)"
    if indicator.method is Method.RATE:
        return "residents in the period (person-years)"
    return "number of " + indicator.unit.removeprefix("% of ").strip()
