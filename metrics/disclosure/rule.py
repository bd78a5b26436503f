"""The disclosure rule, who it applies to, and what one protected count looks like."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from oversight.settings import Settings

SUPPRESSED_TEXT = "*"
# What a hidden count or a figure worked out from one says in words, wherever it is shown or exported.
NOT_SHOWN = "not shown: too few people to show safely"
DERIVED_FROM_PROTECTED = (
    "Rates, percentages, confidence limits, funnel positions, comparisons, trends and chart points below"
    " district level are worked out from the counts as shown (the rounded numerator, and the rounded"
    " denominator where it counts people), so no figure says more than the counts do."
)


class DisclosureError(ValueError):
    """A rule, count or frame that disclosure control cannot work with."""


@dataclass(frozen=True)
class DisclosureRule:
    threshold: int
    rounding_base: int

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding_base < 1:
            raise DisclosureError(f"threshold must be >= 0 and rounding base >= 1, got {self}")

    @classmethod
    def from_settings(cls, settings: Settings) -> DisclosureRule:
        return cls(threshold=settings.disclosure_threshold, rounding_base=settings.disclosure_rounding_base)

    @classmethod
    def unsuppressed(cls) -> DisclosureRule:
        """The identity rule: nothing hidden, nothing rounded (analyst views only)."""
        return cls(threshold=0, rounding_base=1)

    @property
    def is_identity(self) -> bool:
        return self.threshold == 0 and self.rounding_base == 1

    def describe(self) -> str:  # footnote text for a page or export
        if self.is_identity:
            return "Counts are shown unrounded and unsuppressed."
        return (
            f"Counts from 1 to {self.threshold} are shown as {SUPPRESSED_TEXT}, as are some others so"
            f" that hidden counts cannot be worked out from totals; other counts are rounded to the"
            f" nearest {self.rounding_base}. {DERIVED_FROM_PROTECTED}"
        )


@dataclass(frozen=True)
class ProtectedCount:
    display: str
    value: int | None
    is_suppressed: bool
    is_rounded: bool


class Audience(StrEnum):
    BOARD = "board"
    COMMISSIONER = "commissioner"
    ANALYST = "analyst"


def rule_for(audience: Audience, settings: Settings) -> DisclosureRule:
    """Only analysts, and only when the setting allows, see unsuppressed values; boards and exports never."""
    if Audience(audience) is Audience.ANALYST and settings.analyst_unsuppressed:
        return DisclosureRule.unsuppressed()
    return DisclosureRule.from_settings(settings)


def is_small(counts: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    return (counts >= 1) & (counts <= rule.threshold)


def rounded(counts: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    base = rule.rounding_base
    nearest = (2 * counts + base) // (2 * base) * base
    first_above_threshold = -(-(rule.threshold + 1) // base) * base
    return np.where(counts == 0, 0, np.where(nearest <= rule.threshold, first_above_threshold, nearest))


def check_counts(counts: np.ndarray) -> None:
    if counts.dtype.kind not in "iu" and not np.all(np.mod(counts, 1) == 0):
        raise DisclosureError("counts must be whole numbers")
    if np.any(counts < 0):
        raise DisclosureError("counts cannot be negative")


def entry(value: int | None, rule: DisclosureRule, *, exact: bool = False) -> ProtectedCount:
    if value is None:
        return ProtectedCount(display=SUPPRESSED_TEXT, value=None, is_suppressed=True, is_rounded=False)
    is_rounded = not exact and value > 0 and rule.rounding_base > 1
    return ProtectedCount(display=f"{value:,}", value=value, is_suppressed=False, is_rounded=is_rounded)
