"""One row of `compute`'s result: its value and 95% and 99.8% limits by the indicator's method, and the row set
against a comparator (Fingertips' comparison, with the limits widened where wards are overdispersed)."""

from __future__ import annotations

from metrics import overdispersion
from metrics.compare import Comparison, compare_to_comparator
from metrics.definitions import Indicator, Method
from metrics.overdispersion import Dispersion
from metrics.stats import Interval, rate_ci, wilson_ci, z_for


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


def compare(
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


def compare_overdispersed(
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


def comparator_phrase(name: str) -> str:
    """'the district' reads as it is; a published figure reads 'the England and Wales benchmark'."""
    return name if name.startswith("district") else f"{name} benchmark"
