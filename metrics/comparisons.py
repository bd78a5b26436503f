"""What a result is compared with, and how it moved: the district (or a published benchmark) for each cut,
worked out from rounded counts when the comparator is itself protected, and the trend marker over the
complete financial years held."""

from __future__ import annotations

from typing import Any

import polars as pl

from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule, is_protected, is_small_count, shown_count
from metrics.periods import Period
from metrics.queries import Ask, GroupFilters
from metrics.result_frame import Comparators
from metrics.result_values import value_of
from metrics.trend import TrendPoint, proportion_trend, rate_trend

PERIOD_DIMS = ("month", "quarter", "year")


def comparator_ask(indicator: Indicator, period: Period, by: str | None, groups: GroupFilters) -> Ask | None:
    """The sums a result is compared with, where they are not a published benchmark."""
    if by in PERIOD_DIMS or (not by and not groups.ward_code):
        return None
    district_groups = GroupFilters(None, groups.sex, groups.age_band, groups.ethnicity)
    if by and by != "ward" and groups.ward_code:
        # A group within a ward is compared with the same group across the district.
        return Ask(indicator, period, (by,), district_groups)
    # Wards, or groups across the district, are compared with the whole district under the
    # same group filters (Asian women by ward against all Asian women; by ethnic group
    # among women against all women).
    return Ask(indicator, period, (), district_groups)


def comparators(
    indicator: Indicator,
    period: Period,
    by: str | None,
    groups: GroupFilters,
    district: pl.DataFrame | None,
    rule: DisclosureRule,
) -> Comparators:
    """Comparator for each cut value (key None: for every row).

    A comparator under group filters is itself protected: its value is worked out from its rounded counts,
    and it is left out when a count is small (it would be hidden where it is shown as a result)."""
    by_group_in_ward = bool(by and by != "ward" and groups.ward_code)
    protected_comparator = is_protected(
        cut=by if by_group_in_ward else None,
        start=period.start,
        end=period.end,
        groups={"sex": groups.sex, "age_band": groups.age_band, "ethnicity": groups.ethnicity},
    )

    def comparator_value(numerator, denominator):
        if not protected_comparator or rule.is_identity:
            return value_of(indicator, numerator, denominator)
        counts_people = indicator.method is Method.PROPORTION
        if is_small_count(numerator, rule) or (counts_people and is_small_count(denominator, rule)):
            return None
        return value_of(indicator, shown_count(numerator, rule), shown_count(denominator, rule) if counts_people else denominator)

    if by in PERIOD_DIMS:
        return {None: (None, None)}
    if district is None:
        if groups.sex or groups.age_band or groups.ethnicity:
            # a published benchmark is for all people: one group's figure against it compares unlike with unlike
            return {None: (None, None)}
        benchmark = indicator.benchmarks[0] if indicator.benchmarks else None
        return {None: (benchmark.label, benchmark.value) if benchmark else (None, None)}
    if by and by != "ward" and groups.ward_code:
        return {
            str(row[by]): (f"district ({row[by]})", comparator_value(row["numerator"], row["denominator"]))
            for row in district.iter_rows(named=True)
        }
    group_words = [value for value in (groups.sex, groups.age_band, groups.ethnicity) if value]
    name = "district" if not group_words else "district (" + ", ".join(group_words) + ")"
    return {None: (name, comparator_value(district["numerator"][0], district["denominator"][0]))}


def trend_point(row: dict[str, Any], rule: DisclosureRule | None, *, counts_people: bool) -> TrendPoint:
    """One year's point; under a rule, from its counts as published (a denominator that counts people too)."""
    numerator: float = row["numerator"]
    denominator: float = row["denominator"]
    if rule is None:
        return TrendPoint(row["year"], numerator, denominator)
    return TrendPoint(row["year"], shown_count(numerator, rule), shown_count(denominator, rule) if counts_people else denominator)


def trends(
    indicator: Indicator, by: str | None, groups: GroupFilters, series: pl.DataFrame, rule: DisclosureRule | None
) -> dict[str | None, tuple[str, str | None]]:
    """Trend marker per cut value over the complete financial years held (key None: every row); a protected
    result's (`rule` given) from each year's rounded counts."""
    key = by
    default_key = groups.ward_code or "district"
    trend_function = proportion_trend if indicator.method is Method.PROPORTION else rate_trend
    result: dict[str | None, tuple[str, str | None]] = {}
    series_by_cut = series.group_by(key) if key else [((default_key,), series)]
    for group_key, points in series_by_cut:
        cut_value = str(group_key[0])
        counts_people = indicator.method is Method.PROPORTION
        trend = trend_function([trend_point(row, rule, counts_people=counts_people) for row in points.iter_rows(named=True)])
        result[cut_value] = (trend.marker.value, trend.reason)
    return result
