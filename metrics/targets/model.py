"""The board's action plan as data: targets with their indicator, baseline, goal, owner and milestones.

The model is permissive on purpose. A target missing its owner, its date or its baseline still
loads, so that the SMART checks can say what is missing and the board still sees the target. Only
values of the wrong type (a target value that is not a number, a date that is not a date) make a
plan unreadable; `metrics.targets.loading` turns those into a `PlanFormatError` naming the target
and the field.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

CUT_DIMENSIONS = ("ward", "sex", "age_band", "ethnicity")


class Priority(StrEnum):
    """The board's four priorities, one sub-group each."""

    PREVENTION = "prevention"
    PROVISION = "provision"
    PROTECTION = "protection"
    PROSECUTION = "prosecution"


class Kind(StrEnum):
    """Kinds of target in the Home Office partnership target-setting checklist."""

    ABSOLUTE = "absolute"
    PROPORTIONAL = "proportional"
    BENCHMARK = "benchmark"
    TREND = "trend"
    TOLERANCE = "tolerance"


def _text_or_none(value: Any) -> Any:
    """Blank text counts as missing; numbers written where text belongs (an id of 12) become text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


class _PlanPart(BaseModel):
    # Keys the contract does not name (notes, links) are kept rather than refused.
    model_config = ConfigDict(extra="allow", frozen=True)


class Cut(_PlanPart):
    """The part of the population a target is about: one ward and/or one group. Empty: the district."""

    ward: str | None = Field(default=None, validation_alias=AliasChoices("ward", "ward_code"))
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None

    _blank = field_validator("ward", "sex", "age_band", "ethnicity", mode="before")(_text_or_none)

    def dimensions(self) -> dict[str, str]:
        """Every dimension the cut names, with its value; includes keys that are not dimensions at all."""
        named = {dimension: getattr(self, dimension) for dimension in CUT_DIMENSIONS if getattr(self, dimension)}
        extra = {key: str(value) for key, value in (self.model_extra or {}).items() if value is not None}
        return {**named, **extra}

    @property
    def is_district(self) -> bool:
        return not self.dimensions()

    def label(self) -> str:
        if self.is_district:
            return "district"
        return ", ".join(f"{dimension.replace('_', ' ')} {value}" for dimension, value in self.dimensions().items())


DISTRICT = Cut()


class Baseline(_PlanPart):
    value: float | None = None
    period: str | None = None  # a financial year such as 2022/23, a calendar year, or the date it ends

    @field_validator("period", mode="before")
    @classmethod
    def _period_as_text(cls, value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        return _text_or_none(value)


class Goal(_PlanPart):
    """The target value and the date it should be reached by."""

    value: float | None = None
    by: date | None = None


class Milestone(_PlanPart):
    value: float | None = None
    by: date | None = None


def _number_as_value(value: Any) -> Any:
    """`baseline: 44.8` is read as a baseline value with no period (the SMART checks then say so)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"value": value}
    return value


class Target(_PlanPart):
    id: str
    priority: Priority | str | None = None
    objective: str | None = None
    indicator: str | None = None
    cut: Cut = DISTRICT
    baseline: Baseline | None = None
    obtain_baseline_by: date | None = None
    target: Goal | None = None
    kind: Kind | str | None = None
    owner: str | None = None
    milestones: tuple[Milestone, ...] = ()

    _text = field_validator("id", "objective", "indicator", "owner", mode="before")(_text_or_none)
    _numbers = field_validator("baseline", "target", mode="before")(_number_as_value)

    @field_validator("priority", "kind", mode="before")
    @classmethod
    def _known_word(cls, value: Any, info) -> Any:
        """A known word becomes its enum member; any other text is kept so the SMART checks can quote it."""
        value = _text_or_none(value)
        choices = Priority if info.field_name == "priority" else Kind
        if isinstance(value, str) and value.lower() in {member.value for member in choices}:
            return choices(value.lower())
        return value

    @field_validator("cut", mode="before")
    @classmethod
    def _no_cut_is_district(cls, value: Any) -> Any:
        return DISTRICT if value is None else value

    @field_validator("milestones", mode="before")
    @classmethod
    def _no_milestones(cls, value: Any) -> Any:
        return () if value is None else value

    @property
    def target_value(self) -> float | None:
        return self.target.value if self.target else None

    @property
    def target_date(self) -> date | None:
        return self.target.by if self.target else None

    @property
    def baseline_value(self) -> float | None:
        return self.baseline.value if self.baseline else None

    @property
    def baseline_period(self) -> str | None:
        return self.baseline.period if self.baseline else None


class ActionPlan(_PlanPart):
    board: str | None = None
    plan: str | None = None
    adopted_on: date | None = None
    targets: tuple[Target, ...] = ()
    source: str | None = None  # where the plan was read from: a file name, or the warehouse's copy of one

    _text = field_validator("board", "plan", mode="before")(_text_or_none)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(f"the plan has no target {target_id!r}")
