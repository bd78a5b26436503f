"""Funnel-plot control limits (95% and 99.8%) around the district value, for comparing wards.

Both funnels are built so that a ward outside a limit is exactly a ward whose own confidence interval
(the one `metrics.stats` gives it) excludes the district value; the plot and the benchmark agree.

- Proportions: the Wilson-based limits Fingertips uses (PHEindicatormethods' `sigma_adjustment`).
  A ward's Wilson interval touches the district proportion p0 exactly when its own proportion is
  p0 +/- z * sqrt(p0 * (1 - p0) / n), which is what PHE's longer formula simplifies to.
- Rates: exact Poisson limits from the chi-square distribution. With E = district rate x n expected
  events, the upper limit is the (continuous) count whose exact lower limit equals E, and the lower
  limit the count whose exact upper limit equals E; `scipy.special.chdtriv` inverts the chi-square
  distribution in its degrees of freedom, giving smooth curves over any array of denominators.
  (For 10 or more events `stats.rate_ci` uses Byar's approximation, so within a hair of a limit the
  two can differ.)
- When wards vary more than chance allows, `widened_for_overdispersion` widens both funnels by
  Spiegelhalter's adjustment (metrics/overdispersion.py), as the ward comparisons are widened, and the
  limits say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import special

from metrics.overdispersion import Dispersion, null_standard_errors
from metrics.stats import z_for

FUNNEL_CONFIDENCES = (0.95, 0.998)
METHOD_WILSON_FUNNEL = "wilson (PHE proportion funnel)"
METHOD_POISSON_FUNNEL = "exact poisson (chi-square)"


class FunnelInputError(ValueError):
    """Denominators or district figures from which no funnel can be drawn."""


class FunnelPosition(StrEnum):
    BELOW_998 = "below_998"
    BELOW_95 = "below_95"
    INSIDE = "inside"
    ABOVE_95 = "above_95"
    ABOVE_998 = "above_998"
    NOT_CLASSIFIED = "not_classified"


@dataclass(frozen=True)
class FunnelLimits:
    """Limits (already times `multiplier`) at each denominator; `centre` is the district value."""

    denominators: np.ndarray
    centre: float
    lower95: np.ndarray
    upper95: np.ndarray
    lower998: np.ndarray
    upper998: np.ndarray
    multiplier: float
    method: str
    overdispersion: str | None = None  # what the limits were widened for, in words; None when they were not


def widened_for_overdispersion(limits: FunnelLimits, dispersion: Dispersion, *, proportion: bool) -> FunnelLimits:
    """The funnel's limits widened by Spiegelhalter's adjustment: target +/- z x the widened standard error
    (metrics/overdispersion.py); unchanged when the wards vary no more than chance allows."""
    if not dispersion.is_overdispersed:
        return limits
    target = limits.centre / limits.multiplier
    spread = dispersion.standard_error(null_standard_errors(limits.denominators, target, proportion=proportion))
    ceiling = 1.0 if proportion else np.inf

    def bounds(confidence: float) -> tuple[np.ndarray, np.ndarray]:
        half_width = z_for(confidence) * spread
        return (
            np.clip(target - half_width, 0.0, ceiling) * limits.multiplier,
            np.clip(target + half_width, 0.0, ceiling) * limits.multiplier,
        )

    (lower95, upper95), (lower998, upper998) = bounds(0.95), bounds(0.998)
    return FunnelLimits(
        limits.denominators,
        limits.centre,
        lower95,
        upper95,
        lower998,
        upper998,
        limits.multiplier,
        f"{limits.method}, widened for overdispersion ({dispersion.adjustment.value})",
        dispersion.describe(),
    )


def curve_denominators(smallest: float, largest: float, *, points: int = 100) -> np.ndarray:
    """Geometrically spaced denominators: the funnel bends most where denominators are small."""
    if not 0 < smallest < largest:
        raise FunnelInputError(f"need 0 < smallest < largest, got {smallest} and {largest}")
    return np.geomspace(smallest, largest, num=points)


def proportion_funnel(
    denominators: Sequence[float] | np.ndarray,
    *,
    district_numerator: float,
    district_denominator: float,
    multiplier: float = 100,
) -> FunnelLimits:
    """Wilson-based 95% and 99.8% limits around the district proportion, clipped to 0..1."""
    sizes = _positive_array(denominators)
    centre = _district_proportion(district_numerator, district_denominator)
    limits = [_proportion_limits(sizes, centre, confidence) for confidence in FUNNEL_CONFIDENCES]
    (lower95, upper95), (lower998, upper998) = limits
    return FunnelLimits(
        denominators=sizes,
        centre=centre * multiplier,
        lower95=lower95 * multiplier,
        upper95=upper95 * multiplier,
        lower998=lower998 * multiplier,
        upper998=upper998 * multiplier,
        multiplier=multiplier,
        method=METHOD_WILSON_FUNNEL,
    )


def rate_funnel(
    denominators: Sequence[float] | np.ndarray,
    *,
    district_count: float,
    district_denominator: float,
    multiplier: float = 1000,
) -> FunnelLimits:
    """Exact Poisson 95% and 99.8% limits around the district rate per `multiplier`."""
    sizes = _positive_array(denominators)
    district_rate = _district_rate(district_count, district_denominator)
    expected = district_rate * sizes
    limits = [_poisson_count_limits(expected, confidence) for confidence in FUNNEL_CONFIDENCES]
    (lower95, upper95), (lower998, upper998) = limits
    scale = multiplier / sizes
    return FunnelLimits(
        denominators=sizes,
        centre=district_rate * multiplier,
        lower95=lower95 * scale,
        upper95=upper95 * scale,
        lower998=lower998 * scale,
        upper998=upper998 * scale,
        multiplier=multiplier,
        method=METHOD_POISSON_FUNNEL,
    )


def classify_proportions(
    numerators: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    *,
    district_numerator: float,
    district_denominator: float,
) -> list[FunnelPosition]:
    """Where each ward's proportion falls against the funnel; a zero denominator is not classified."""
    counts, sizes = _ward_arrays(numerators, denominators)
    if np.any(counts > sizes):
        raise FunnelInputError("a ward numerator is larger than its denominator")
    centre = _district_proportion(district_numerator, district_denominator)
    has_data = sizes > 0
    safe_sizes = np.where(has_data, sizes, 1.0)
    values = counts / safe_sizes
    limits95 = _proportion_limits(safe_sizes, centre, 0.95)
    limits998 = _proportion_limits(safe_sizes, centre, 0.998)
    return _positions(values, limits95, limits998, has_data)


def classify_rates(
    counts: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    *,
    district_count: float,
    district_denominator: float,
) -> list[FunnelPosition]:
    """Where each ward's rate falls against the funnel, compared on the count scale."""
    events, sizes = _ward_arrays(counts, denominators)
    district_rate = _district_rate(district_count, district_denominator)
    has_data = sizes > 0
    expected = district_rate * np.where(has_data, sizes, 1.0)
    limits95 = _poisson_count_limits(expected, 0.95)
    limits998 = _poisson_count_limits(expected, 0.998)
    return _positions(events, limits95, limits998, has_data)


def _proportion_limits(sizes: np.ndarray, centre: float, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    half_width = z_for(confidence) * np.sqrt(centre * (1 - centre) / sizes)
    return np.clip(centre - half_width, 0.0, 1.0), np.clip(centre + half_width, 0.0, 1.0)


def _poisson_count_limits(expected: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - confidence) / 2
    # Count x is significantly high when its exact lower limit chi2.ppf(tail, 2x)/2 exceeds E, i.e.
    # when chi2.cdf(2E, 2x) < tail; chdtriv solves chi2.cdf(2E, df) = p for df.
    upper = special.chdtriv(tail, 2 * expected) / 2
    # Count x is significantly low when its exact upper limit chi2.ppf(1 - tail, 2x + 2)/2 is below E.
    lower = np.maximum(special.chdtriv(1 - tail, 2 * expected) / 2 - 1, 0.0)
    return lower, upper


def _positions(
    values: np.ndarray,
    limits95: tuple[np.ndarray, np.ndarray],
    limits998: tuple[np.ndarray, np.ndarray],
    has_data: np.ndarray,
) -> list[FunnelPosition]:
    (lower95, upper95), (lower998, upper998) = limits95, limits998
    positions = []
    for index, value in enumerate(values):
        if not has_data[index]:
            positions.append(FunnelPosition.NOT_CLASSIFIED)
        elif value > upper998[index]:
            positions.append(FunnelPosition.ABOVE_998)
        elif value > upper95[index]:
            positions.append(FunnelPosition.ABOVE_95)
        elif value < lower998[index]:
            positions.append(FunnelPosition.BELOW_998)
        elif value < lower95[index]:
            positions.append(FunnelPosition.BELOW_95)
        else:
            positions.append(FunnelPosition.INSIDE)
    return positions


def _positive_array(denominators: Sequence[float] | np.ndarray) -> np.ndarray:
    sizes = np.atleast_1d(np.asarray(denominators, dtype=float))
    if sizes.size == 0 or not np.all(np.isfinite(sizes)) or np.any(sizes <= 0):
        raise FunnelInputError("funnel limits need at least one denominator, all positive")
    return sizes


def _ward_arrays(
    numerators: Sequence[float] | np.ndarray, denominators: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    counts = np.atleast_1d(np.asarray(numerators, dtype=float))
    sizes = np.atleast_1d(np.asarray(denominators, dtype=float))
    if counts.shape != sizes.shape:
        raise FunnelInputError("each ward needs one numerator and one denominator")
    if np.any(counts < 0) or np.any(sizes < 0):
        raise FunnelInputError("ward numerators and denominators cannot be negative")
    return counts, sizes


def _district_proportion(numerator: float, denominator: float) -> float:
    if denominator <= 0 or not 0 <= numerator <= denominator:
        raise FunnelInputError(f"district proportion {numerator}/{denominator} is not a proportion")
    return numerator / denominator


def _district_rate(count: float, denominator: float) -> float:
    if denominator <= 0 or count <= 0:
        raise FunnelInputError("a rate funnel needs a district with a positive count and denominator")
    return count / denominator
