"""Overdispersion in ward comparisons and funnel plots (Spiegelhalter 2005).

Reference: Spiegelhalter DJ (2005), "Funnel plots for comparing institutional performance",
Statistics in Medicine 24:1185-1202; the method NHS Digital uses for SHMI.

Wards differ for reasons chance does not cover (their people, their policing), so with many events
almost every ward lies outside Poisson or binomial limits. Spiegelhalter's test asks whether the
spread between wards is more than chance allows, and if so widens the limits by the extra spread:
- z_i = (y_i - target) / s_i, each ward against the target (the district value) under its own
  standard error at the target: sqrt(target / n_i) for a rate, sqrt(target (1 - target) / n_i) for a
  proportion;
- winsorise z at its 10th and 90th percentiles, so a few extreme wards do not inflate the estimate;
  phi = (1/I) sum z_w^2;
- overdispersed when I x phi exceeds the upper 95% point of chi-square on I - 1 degrees of freedom;
- then the additive (random-effects) adjustment: tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w)
  with w = 1 / s^2, and limits target +/- z sqrt(s_i^2 + tau^2). It is preferred when a few large
  units dominate, and keeps the funnel's shape; the multiplicative one (limits widened by sqrt(phi))
  is offered for comparison.
Without overdispersion the limits are the usual exact ones and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl
from scipy import stats

WINSOR_PERCENTILES = (10, 90)
# Fewer units than this cannot tell overdispersion from the one unit that differs: with three wards, one far
# off would set the between-ward spread by itself and hide itself inside it. Winsorising at the 10th and 90th
# percentiles needs about ten units to trim anything at all.
MINIMUM_UNITS = 10
TEST_CONFIDENCE = 0.95


class Adjustment(StrEnum):
    NONE = "none"
    ADDITIVE = "additive (random effects)"
    MULTIPLICATIVE = "multiplicative"


@dataclass(frozen=True)
class Dispersion:
    """How far the units spread beyond chance, and the adjustment that follows."""

    phi: float  # winsorised dispersion: 1 is chance alone
    units: int
    tau2: float  # between-unit variance (per unit squared of the unscaled value), 0 unless additive
    adjustment: Adjustment

    @property
    def is_overdispersed(self) -> bool:
        return self.adjustment is not Adjustment.NONE

    def describe(self) -> str:
        if not self.is_overdispersed:
            return (
                f"the {self.units} wards vary no more than chance allows (dispersion {self.phi:.1f}), "
                "so the limits are not widened"
            )
        return (
            f"the {self.units} wards vary more than chance allows (dispersion {self.phi:.1f}, where 1 is "
            f"chance alone), so the limits are widened for overdispersion ({self.adjustment.value}, "
            "Spiegelhalter 2005)"
        )

    def standard_error(self, null_standard_error: np.ndarray | float) -> np.ndarray:
        """A unit's standard error at the target, widened by the adjustment."""
        s = np.asarray(null_standard_error, dtype=float)
        if self.adjustment is Adjustment.ADDITIVE:
            return np.sqrt(s**2 + self.tau2)
        if self.adjustment is Adjustment.MULTIPLICATIVE:
            return s * np.sqrt(self.phi)
        return s


NO_ADJUSTMENT = Dispersion(1.0, 0, 0.0, Adjustment.NONE)


def null_standard_errors(denominators: Sequence[float] | np.ndarray, target: float, *, proportion: bool) -> np.ndarray:
    """Each unit's standard error at the target (unscaled: events per person-year, or a fraction)."""
    sizes = np.asarray(denominators, dtype=float)
    variance = target * (1 - target) if proportion else target
    return np.sqrt(variance / sizes)


def estimate(
    numerators: Sequence[float | None] | np.ndarray,
    denominators: Sequence[float | None] | np.ndarray,
    *,
    target: float,
    proportion: bool,
    additive: bool = True,
    rounded_to: int = 1,
    hidden_up_to: int = 0,
) -> Dispersion:
    """Spiegelhalter's dispersion of units about `target` (unscaled), and the adjustment it calls for.

    Units with no denominator are left out; fewer than `MINIMUM_UNITS` units, or a target of 0 (or 1 for a
    proportion), are not adjusted.

    Counts as a disclosure rule publishes them are read as what they say, so that the rule's own rounding and
    hiding do not pass for wards varying more than chance allows:
    - a count rounded to a multiple of `rounded_to` (a proportion's denominator too) carries the rounding's own
      variance in its unit's standard error (Sheppard's correction: (`rounded_to`^2 - 1) / 12 for a whole number
      rounded to the nearest multiple);
    - a hidden numerator (None) is a count from 1 to `hidden_up_to`: taken at the middle of that range with its
      variance, (`hidden_up_to`^2 - 1) / 12. Leaving such units out would keep only the wards with more events,
      and the wards left would seem to vary more than they do. With `hidden_up_to` 0 they are left out.
    """
    counts = np.array([np.nan if value is None else value for value in numerators], dtype=float)
    sizes = np.array([np.nan if value is None else value for value in denominators], dtype=float)
    hidden = np.isnan(counts)
    keep = (sizes > 0) & (~hidden | (hidden_up_to > 0))
    counts, sizes, hidden = counts[keep], sizes[keep], hidden[keep]
    units = int(sizes.size)
    if units < MINIMUM_UNITS or target <= 0 or (proportion and target >= 1):
        return Dispersion(1.0, units, 0.0, Adjustment.NONE)
    counts = np.where(hidden, (1 + hidden_up_to) / 2, counts)
    rounding = _spread_of_whole_numbers(rounded_to)
    # the variance the published counts add to counts / sizes: the numerator's, and (by the delta method) a
    # proportion's rounded denominator's
    added = np.where(hidden, _spread_of_whole_numbers(hidden_up_to), rounding) / sizes**2
    if proportion:
        added = added + target**2 * rounding / sizes**2
    s = np.sqrt(null_standard_errors(sizes, target, proportion=proportion) ** 2 + added)
    return from_z_scores((counts / sizes - target) / s, s, additive=additive)


def _spread_of_whole_numbers(width: int) -> float:
    """The variance of a count known only to be one of `width` whole numbers in a row, each as likely:
    (width^2 - 1) / 12; 0 for a count known exactly."""
    return (width**2 - 1) / 12 if width > 1 else 0.0


def from_z_scores(z: np.ndarray, s: np.ndarray, *, additive: bool = True) -> Dispersion:
    """Spiegelhalter's dispersion from units' z-scores against the target and their standard errors
    (any scale, such as directly standardised rates with their Dobson standard errors)."""
    z, s = np.asarray(z, dtype=float), np.asarray(s, dtype=float)
    units = int(z.size)
    if units < MINIMUM_UNITS:
        return Dispersion(1.0, units, 0.0, Adjustment.NONE)
    low, high = np.percentile(z, WINSOR_PERCENTILES)
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    if units * phi <= stats.chi2.ppf(TEST_CONFIDENCE, units - 1):
        return Dispersion(phi, units, 0.0, Adjustment.NONE)
    if not additive:
        return Dispersion(phi, units, 0.0, Adjustment.MULTIPLICATIVE)
    weights = 1 / s**2
    tau2 = max((units * phi - (units - 1)) / (weights.sum() - (weights**2).sum() / weights.sum()), 0.0)
    return Dispersion(phi, units, tau2, Adjustment.ADDITIVE)


def chance_flags(comparisons: int, confidence: float) -> float:
    """How many of `comparisons` would fall beyond `confidence` limits by chance alone."""
    return comparisons * (1 - confidence)


def comparisons_sentence(comparisons: int, flagged_95: int, flagged_998: int, *, scope: str = "view") -> str:
    """What a view (or a page) of many comparisons should be read against, in plain words."""
    if comparisons == 0:
        return f"No comparisons are made {'on' if scope == 'page' else 'in'} this {scope}."
    return (
        f"This {scope} makes {comparisons:,} comparison{'s' if comparisons != 1 else ''}. Chance alone would put "
        f"about {chance_flags(comparisons, 0.95):.1f} beyond the 95% limits and {chance_flags(comparisons, 0.998):.2f} "
        f"beyond the 99.8% limits; {flagged_95:,} {'is' if flagged_95 == 1 else 'are'} beyond 95% and "
        f"{flagged_998:,} beyond 99.8%."
    )


@dataclass(frozen=True)
class ComparisonCount:
    """The comparisons a page shows (each ward, group or figure judged against its comparator) and its flags."""

    comparisons: int
    flagged_95: int
    flagged_998: int

    def chance_flags(self, confidence: float) -> float:
        return chance_flags(self.comparisons, confidence)

    def sentence(self, scope: str = "page") -> str:
        return comparisons_sentence(self.comparisons, self.flagged_95, self.flagged_998, scope=scope)


def count_comparisons(*frames: pl.DataFrame) -> ComparisonCount:
    """Count the judged rows of result frames (a `comparison` column): those not judged ('not_compared', a
    hidden value, no comparator) are not comparisons; any judgement other than 'similar' is a flag at 95%,
    one ending in '_998' a flag at 99.8% too."""
    compared = flagged_95 = flagged_998 = 0
    for frame in frames:
        if frame.is_empty() or "comparison" not in frame.columns:
            continue
        judged = frame.filter(pl.col("comparison").is_not_null() & (pl.col("comparison") != "not_compared"))
        compared += judged.height
        flagged_95 += judged.filter(pl.col("comparison") != "similar").height
        flagged_998 += judged.filter(pl.col("comparison").str.ends_with("_998")).height
    return ComparisonCount(compared, flagged_95, flagged_998)
