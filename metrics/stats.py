"""Confidence intervals for counts, crude rates, proportions and standardised rates.

The methods are the ones Fingertips (PHE indicator methods) uses, so a board can set our figures
beside published ones:
- crude rates: exact Poisson limits (chi-square) below 10 events, Byar's method from 10 events;
- proportions: Wilson score;
- directly standardised rates: Dobson, not shown below 10 events.
Every result is an `Interval` that names its method, so a tile or an export can say how it was made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import stats

# Fingertips switches from exact to Byar's limits at 10 events, and hides standardised rates below it.
SMALL_COUNT_LIMIT = 10

METHOD_EXACT = "exact"
METHOD_BYARS = "byars"
METHOD_WILSON = "wilson"
METHOD_DOBSON = "dobson"


class StatisticsInputError(ValueError):
    """A count, denominator or confidence level that cannot describe real data."""


@dataclass(frozen=True)
class Interval:
    """A value with its confidence limits and the method that produced them.

    `value`, `lower` and `upper` are None only when the method says the figure is not shown
    (a standardised rate on fewer than 10 events); `note` then says why.
    """

    value: float | None
    lower: float | None
    upper: float | None
    confidence: float
    method: str
    count: float | None = None
    denominator: float | None = None
    note: str | None = None

    @property
    def is_shown(self) -> bool:
        return self.value is not None


def z_for(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 at 95%, 3.090232 at 99.8%."""
    _check_confidence(confidence)
    return _normal_quantile(0.5 + confidence / 2)


@cache  # a page asks for the same two levels for every row, and each scipy call costs a fifth of a millisecond
def _normal_quantile(probability: float) -> float:
    return float(stats.norm.ppf(probability))


def exact_poisson_limits(count: float, confidence: float) -> tuple[float, float]:
    """Exact Poisson limits on a count, from the chi-square distribution (Garwood)."""
    _check_count(count)
    _check_confidence(confidence)
    tail = (1 - confidence) / 2
    lower = 0.0 if count == 0 else float(stats.chi2.ppf(tail, 2 * count)) / 2
    upper = float(stats.chi2.ppf(1 - tail, 2 * (count + 1))) / 2
    return lower, upper


def byars_limits(count: float, confidence: float) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson limits on a count."""
    _check_count(count)
    z = z_for(confidence)
    lower = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    return lower, upper


def rate_ci(
    count: float,
    denominator: float,
    *,
    multiplier: float = 1000,
    confidence: float = 0.95,
) -> Interval:
    """Crude rate per `multiplier` with exact limits below 10 events and Byar's limits from 10."""
    _check_count(count)
    _check_denominator(denominator)
    if count < SMALL_COUNT_LIMIT:
        method, (lower_count, upper_count) = METHOD_EXACT, exact_poisson_limits(count, confidence)
    else:
        method, (lower_count, upper_count) = METHOD_BYARS, byars_limits(count, confidence)
    scale = multiplier / denominator
    return Interval(
        value=count * scale,
        lower=lower_count * scale,
        upper=upper_count * scale,
        confidence=confidence,
        method=method,
        count=count,
        denominator=denominator,
    )


def wilson_ci(
    numerator: float,
    denominator: float,
    *,
    confidence: float = 0.95,
    multiplier: float = 100,
) -> Interval:
    """Proportion (times `multiplier`, so a percentage by default) with Wilson score limits."""
    _check_count(numerator)
    _check_denominator(denominator)
    if numerator > denominator:
        raise StatisticsInputError(f"numerator {numerator} is larger than denominator {denominator}: not a proportion")
    z = z_for(confidence)
    proportion = numerator / denominator
    centre = 2 * numerator + z**2
    spread = z * math.sqrt(z**2 + 4 * numerator * (1 - proportion))
    scale = 2 * (denominator + z**2)
    return Interval(
        value=proportion * multiplier,
        # within [0, 1] exactly: at 0 of n or n of n rounding error would push a limit past it
        lower=max(0.0, (centre - spread) / scale) * multiplier,
        upper=min(1.0, (centre + spread) / scale) * multiplier,
        confidence=confidence,
        method=METHOD_WILSON,
        count=numerator,
        denominator=denominator,
    )


def dsr_ci(
    counts: Sequence[float],
    *,
    populations: Sequence[float],
    standard_populations: Sequence[float],
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> Interval:
    """Directly standardised rate with Dobson limits; not shown (all None) below 10 events.

    Arrays run over the same strata (age bands, say). Dobson's method scales Byar's limits on the
    total count (as PHE does) by the standard error of the standardised rate per event.
    """
    events = np.asarray(counts, dtype=float)
    local = np.asarray(populations, dtype=float)
    standard = np.asarray(standard_populations, dtype=float)
    if not (events.shape == local.shape == standard.shape) or events.ndim != 1 or events.size == 0:
        raise StatisticsInputError("counts, populations and standard populations must be equal-length lists")
    if np.any(events < 0) or not np.all(np.isfinite(events)):
        raise StatisticsInputError("counts must be finite and not negative")
    if np.any(local <= 0) or not np.all(np.isfinite(local)):
        raise StatisticsInputError("every stratum needs a positive population")
    if np.any(standard < 0) or standard.sum() <= 0:
        raise StatisticsInputError("standard populations must be non-negative with a positive total")
    _check_confidence(confidence)

    total = float(events.sum())
    if total < SMALL_COUNT_LIMIT:
        return Interval(
            value=None,
            lower=None,
            upper=None,
            confidence=confidence,
            method=METHOD_DOBSON,
            count=total,
            denominator=float(local.sum()),
            note=f"fewer than {SMALL_COUNT_LIMIT} events: a standardised rate is not shown",
        )
    weight_total = standard.sum()
    rate = float(np.sum(standard * events / local) / weight_total * multiplier)
    variance = float(np.sum(standard**2 * events / local**2) / weight_total**2 * multiplier**2)
    lower_count, upper_count = byars_limits(total, confidence)
    per_event = math.sqrt(variance / total)
    return Interval(
        value=rate,
        lower=rate + per_event * (lower_count - total),
        upper=rate + per_event * (upper_count - total),
        confidence=confidence,
        method=METHOD_DOBSON,
        count=total,
        denominator=float(local.sum()),
    )


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise StatisticsInputError(f"confidence must be a fraction such as 0.95, got {confidence!r}")


def _check_count(count: float) -> None:
    if not math.isfinite(count) or count < 0:
        raise StatisticsInputError(f"a count must be finite and not negative, got {count!r}")


def _check_denominator(denominator: float) -> None:
    if not math.isfinite(denominator) or denominator <= 0:
        raise StatisticsInputError(f"a denominator must be positive, got {denominator!r}")
