"""What is protected, defined once, and the counts a protected figure is worked out from.

Every figure about people is protected, the whole district's figure for everyone over a year included. Exact district
totals were once left as they were over a year or more, but years overlap (the latest 12 months, a financial
year, a calendar year, any 12 months asked for, and the same year a night later): one exact year less another
is the exact count of the months between, which is protected as a month or a quarter.

A figure worked out from protected counts (a rate, a percentage, its confidence limits, where it sits
on a funnel, how it compares, its trend, a chart point, a target's value) is worked out from the counts
as published: the rounded numerator, and the rounded denominator where the denominator counts people.
Rounding to the nearest base is what hides a count; a rate worked out from the exact count would give
it back (rate x denominator / multiplier), and so would the exact limits around it. NHS Digital's
publications do the same ("percentages are calculated from rounded figures").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import overload

import numpy as np

from metrics.disclosure.rule import DisclosureRule, check_counts, is_small, rounded
from metrics.stats import wilson_ci

PERIOD_CUTS = ("month", "quarter", "year")
PROTECTED_SCOPE = (
    "Every figure about people is protected, the whole district's included: counts from 1 to the threshold are not shown,"
    " others are rounded, and more are hidden where a hidden count could be worked out from totals. Exact"
    " district totals over overlapping years would give, one less another, the exact count of the months between."
)


def is_protected(*, cut: str | None, groups: Mapping[str, str | None], start: date, end: date) -> bool:
    """Whether the figure for `cut` (what the rows are split by; None for one row) under the ward and group filters
    `groups`, over `start` to `end`, is protected: every figure is (see the module's docstring), the one definition
    every caller asks."""
    del cut, groups, start, end  # no figure is left exact, whatever it covers
    return True


@overload
def shown_count(count: float, rule: DisclosureRule) -> float: ...
@overload
def shown_count(count: None, rule: DisclosureRule) -> None: ...
@overload
def shown_count(count: float | None, rule: DisclosureRule) -> float | None: ...
def shown_count(count: float | None, rule: DisclosureRule) -> float | None:
    """The count a protected figure is worked out from: rounded under the rule (a small count to the
    first multiple above the threshold, as no figure is shown beside a small count anyway)."""
    if count is None or rule.is_identity:
        return count
    value = np.array([round(count)])
    check_counts(value)
    return float(rounded(value, rule)[0])


def is_small_count(count: float | None, rule: DisclosureRule) -> bool:
    return count is not None and bool(is_small(np.array([round(count)]), rule)[0])


def wilson_percent(
    decimals: int | None = None, *, limits: bool = True, of_both: bool = False
) -> Callable[[float, float], tuple[float | None, ...]]:
    """How a percentage with Wilson 95% limits is worked out from (numerator, denominator), for `protect_frame`'s
    `recompute`: rounded to `decimals` as the caller publishes it; `of_both` when the share is of the two
    counts together (people who reached an event, of those and the people still waiting)."""

    def formula(numerator: float, denominator: float) -> tuple[float | None, ...]:
        total = numerator + denominator if of_both else denominator
        if total <= 0 or numerator > total:
            return (None, None, None) if limits else (None,)
        interval = wilson_ci(numerator, total)
        values = (interval.value, interval.lower, interval.upper) if limits else (interval.value,)
        return tuple(value if decimals is None or value is None else round(value, decimals) for value in values)

    return formula


def plain_percent(numerator: float, denominator: float) -> tuple[float | None]:
    """100 x numerator / denominator, for `protect_frame`'s `recompute`."""
    return (100 * numerator / denominator if denominator > 0 else None,)
