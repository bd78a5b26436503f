"""The SMART checklist's terms: the criteria, a check's outcome and reasons, the result, and the evidence from the
registry and the data that the checks read (metrics/targets/smart.py makes the checks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from metrics.definitions import Indicator


class Criterion(StrEnum):
    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACHIEVABLE = "achievable"
    RELEVANT = "relevant"
    TIME_BOUND = "time-bound"
    BASELINE_CHECKED = "baseline-checked"


class Outcome(StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True)
class SmartCheck:
    criterion: Criterion
    outcome: Outcome
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class SmartResult:
    checks: tuple[SmartCheck, ...]

    @property
    def is_smart(self) -> bool:
        return all(check.outcome is not Outcome.FAILED for check in self.checks)

    def check(self, criterion: Criterion) -> SmartCheck:
        return next(check for check in self.checks if check.criterion is Criterion(criterion))

    def failures(self) -> tuple[SmartCheck, ...]:
        return tuple(check for check in self.checks if check.outcome is Outcome.FAILED)

    def warnings(self) -> tuple[SmartCheck, ...]:
        return tuple(check for check in self.checks if check.outcome is Outcome.WARNING)


@dataclass(frozen=True)
class AnnualValue:
    """An indicator's value for one complete financial year (start year 2022 is 2022/23)."""

    year: int
    value: float


@dataclass(frozen=True)
class MeasuredBaseline:
    """The indicator measured over the stated baseline period, or why it could not be."""

    period_label: str
    value: float | None = None
    lower_95: float | None = None
    upper_95: float | None = None
    problem: str | None = None  # why there is no measured value to compare with


@dataclass(frozen=True)
class Evidence:
    """What the checks need beyond the target itself, gathered from the registry and the data."""

    indicator: Indicator | None  # None when the target names no indicator or an unregistered one
    data_problem: str | None  # why the indicator cannot be computed from the loaded data; None when it can
    history: Sequence[AnnualValue]  # complete financial years, oldest first
    as_of: date
    measured_baseline: MeasuredBaseline | None = None  # None when the target states no usable baseline period
