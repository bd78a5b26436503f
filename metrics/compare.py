"""Benchmarking an area against a comparator, and a result against a target, as Fingertips does.

An area is "similar" to its comparator (the district, England) when the comparator lies inside the
area's 95% confidence interval, limits included. Outside it, the area is better or worse according
to the indicator's polarity, or just higher or lower when the indicator carries no judgement. When
99.8% limits are supplied as well, a comparator beyond them earns the stronger `*_998` grade (the
darker colours in Fingertips' "95% and 99.8%" scheme). Without an interval nothing is compared.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeIs


class ComparisonInputError(ValueError):
    """Limits that cannot belong to one confidence interval, or a target without a direction."""


class Polarity(StrEnum):
    LOW_IS_GOOD = "low_is_good"
    HIGH_IS_GOOD = "high_is_good"
    NO_JUDGEMENT = "no_judgement"


class Comparison(StrEnum):
    BETTER_998 = "better_998"
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    WORSE_998 = "worse_998"
    HIGHER_998 = "higher_998"
    HIGHER = "higher"
    LOWER = "lower"
    LOWER_998 = "lower_998"
    NOT_COMPARED = "not_compared"


class TargetStatus(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    WITHIN_UNCERTAINTY = "within uncertainty"
    NOT_ASSESSED = "not assessed"


# (direction of the area against its comparator, polarity) -> judgement at 95%; the 99.8% grade follows.
_JUDGEMENT = {
    ("higher", Polarity.LOW_IS_GOOD): Comparison.WORSE,
    ("higher", Polarity.HIGH_IS_GOOD): Comparison.BETTER,
    ("higher", Polarity.NO_JUDGEMENT): Comparison.HIGHER,
    ("lower", Polarity.LOW_IS_GOOD): Comparison.BETTER,
    ("lower", Polarity.HIGH_IS_GOOD): Comparison.WORSE,
    ("lower", Polarity.NO_JUDGEMENT): Comparison.LOWER,
}
_STRONGER = {
    Comparison.BETTER: Comparison.BETTER_998,
    Comparison.WORSE: Comparison.WORSE_998,
    Comparison.HIGHER: Comparison.HIGHER_998,
    Comparison.LOWER: Comparison.LOWER_998,
}


def compare_to_comparator(
    *,
    lower95: float | None,
    upper95: float | None,
    comparator: float | None,
    polarity: Polarity,
    lower998: float | None = None,
    upper998: float | None = None,
) -> Comparison:
    """Fingertips benchmark of one area against a comparator value (district, region, England)."""
    polarity = Polarity(polarity)
    if not _known(lower95) or not _known(upper95) or not _known(comparator):
        return Comparison.NOT_COMPARED
    if lower95 > upper95:
        raise ComparisonInputError(f"lower limit {lower95} is above upper limit {upper95}")
    if lower95 <= comparator <= upper95:
        return Comparison.SIMILAR

    direction = "higher" if comparator < lower95 else "lower"
    judgement = _JUDGEMENT[(direction, polarity)]
    if not _known(lower998) and not _known(upper998):
        return judgement
    if not _known(lower998) or not _known(upper998):
        raise ComparisonInputError("give both 99.8% limits or neither")
    if not lower998 <= lower95 <= upper95 <= upper998:
        raise ComparisonInputError("the 99.8% interval must contain the 95% interval")
    beyond_998 = comparator < lower998 if direction == "higher" else comparator > upper998
    return _STRONGER[judgement] if beyond_998 else judgement


def describe(comparison: Comparison, comparator_name: str) -> str:
    """Plain words for a board member, e.g. 'significantly higher than the district (95%)'."""
    comparison = Comparison(comparison)
    if comparison is Comparison.SIMILAR:
        return f"similar to the {comparator_name}"
    if comparison is Comparison.NOT_COMPARED:
        return f"not compared with the {comparator_name} (no confidence interval)"
    word, _, grade = comparison.value.partition("_")
    level = "99.8%" if grade == "998" else "95%"
    return f"significantly {word} than the {comparator_name} ({level})"


def compare_to_target(
    *,
    lower95: float | None,
    upper95: float | None,
    target: float,
    polarity: Polarity,
) -> TargetStatus:
    """'met' only when the whole 95% interval is past the target; 'not met' when all of it falls short.

    Reaching the target exactly counts as past it: a target reads "at least" (or "at most") a value.
    """
    polarity = Polarity(polarity)
    if polarity is Polarity.NO_JUDGEMENT:
        raise ComparisonInputError("a target needs a polarity saying which direction is better")
    if not _known(lower95) or not _known(upper95):
        return TargetStatus.NOT_ASSESSED
    if lower95 > upper95:
        raise ComparisonInputError(f"lower limit {lower95} is above upper limit {upper95}")
    if polarity is Polarity.HIGH_IS_GOOD:
        met, short = lower95 >= target, upper95 < target
    else:
        met, short = upper95 <= target, lower95 > target
    if met:
        return TargetStatus.MET
    if short:
        return TargetStatus.NOT_MET
    return TargetStatus.WITHIN_UNCERTAINTY


def _known(value: float | None) -> TypeIs[float]:
    """A limit or value that was given and is a number (not None, not NaN)."""
    return value is not None and not math.isnan(value)
