"""The base every extract model derives from: blank handling, cross-column rules, metadata."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from etl.contract.columns import Kind, KindName
from etl.contract.rules import Rule


@dataclass(frozen=True)
class ColumnSpec:
    """Everything the generators need to know about one column, read off the model."""

    name: str
    kind: Kind
    required: bool
    description: str
    enum_values: tuple[str, ...] = ()
    ge: float | None = None
    le: float | None = None
    default: Any = None

    @property
    def sql_type(self) -> str:
        return self.kind.sql_type


class Extract(BaseModel):
    """One row of an agency file, declared once. Subclasses list their columns as fields.

    Class attributes say what the row is: `extract_name` (the file-name prefix), `primary_key`
    (unique per row, replacing older rows on reload), `rules` across columns, and
    `references` (columns whose values must exist in a reference table).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    extract_name: ClassVar[str]
    title: ClassVar[str]
    is_reference: ClassVar[bool] = False
    primary_key: ClassVar[tuple[str, ...]] = ()
    rules: ClassVar[tuple[Rule, ...]] = ()
    references: ClassVar[dict[str, str]] = {}
    column_aliases: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _blank_cells(cls, data: Any) -> Any:
        """Blank cells are missing; a missing demographic value is recorded as `unknown`."""
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for key, value in data.items():
            # Dropped rather than set to None: the column parsers would read None as the
            # text "None", and an optional column with a default should take it.
            if value is None or (isinstance(value, str) and value.strip() == ""):
                continue
            cleaned[key] = value
        for spec in cls.columns():
            if spec.kind.name is KindName.demographic and cleaned.get(spec.name) is None:
                cleaned[spec.name] = "unknown"
        return cleaned

    @model_validator(mode="after")
    def _row_rules(self, info: ValidationInfo) -> Extract:
        row = self.model_dump()
        problems = [problem for rule in self.rules for problem in rule.check(row)]
        context = info.context or {}
        as_of = context.get("as_of")
        earliest = context.get("earliest")
        for spec in self.columns():
            value = row.get(spec.name)
            if value is None or spec.kind.name not in (KindName.date, KindName.timestamp):
                continue
            day = value.date() if isinstance(value, datetime) else value
            if earliest is not None and day < earliest:
                problems.append((spec.name, f"{spec.name} is before {earliest.isoformat()}"))
            elif spec.kind.not_future and as_of is not None and _after(value, as_of):
                problems.append((spec.name, f"{spec.name} is in the future"))
        if problems:
            raise ValueError("; ".join(f"{column}: {message}" for column, message in problems))
        return self

    @classmethod
    def columns(cls) -> tuple[ColumnSpec, ...]:
        return _column_specs(cls)

    @classmethod
    def required_columns(cls) -> tuple[str, ...]:
        return tuple(spec.name for spec in cls.columns() if spec.required)

    @classmethod
    def geography_columns(cls) -> tuple[str, ...]:
        return tuple(name for name in ("ward_code", "lsoa_code") if name in cls.model_fields)


def _after(value: date | datetime, as_of: datetime) -> bool:
    if isinstance(value, datetime):
        return value > as_of
    return value > as_of.date()


_SPEC_CACHE: dict[type, tuple[ColumnSpec, ...]] = {}


def _column_specs(model: type[Extract]) -> tuple[ColumnSpec, ...]:
    if model in _SPEC_CACHE:
        return _SPEC_CACHE[model]
    specs = []
    hints = typing.get_type_hints(model, include_extras=True)
    for name, field in model.model_fields.items():
        metadata = _flatten_metadata(hints[name])
        kind = next(item for item in metadata if isinstance(item, Kind))
        enum = next((item for item in metadata if isinstance(item, type) and issubclass(item, Enum)), None)
        ge = next(
            (item.ge for item in metadata if isinstance(item, annotated_types.Ge) and isinstance(item.ge, int | float)), None
        )
        le = next(
            (item.le for item in metadata if isinstance(item, annotated_types.Le) and isinstance(item.le, int | float)), None
        )
        for item in metadata:  # pydantic keeps Field(ge=...) as FieldInfo metadata
            for sub in getattr(item, "metadata", []):
                if isinstance(sub, annotated_types.Ge) and isinstance(sub.ge, int | float):
                    ge = sub.ge
                if isinstance(sub, annotated_types.Le) and isinstance(sub.le, int | float):
                    le = sub.le
        specs.append(
            ColumnSpec(
                name=name,
                kind=kind,
                required=field.is_required(),
                description=field.description or "",
                enum_values=tuple(member.value for member in enum) if enum else (),
                ge=ge,
                le=le,
                default=None if field.is_required() else field.get_default(call_default_factory=True),
            )
        )
    _SPEC_CACHE[model] = tuple(specs)
    return _SPEC_CACHE[model]


def _flatten_metadata(annotation: Any) -> list[Any]:
    """Collect Annotated metadata through Optional[...] and nested Annotated."""
    found: list[Any] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        found.extend(_flatten_metadata(args[0]))
        for item in args[1:]:
            # Choice(...), Text(...) and the like group several items, as pydantic reads them.
            found.extend(item if isinstance(item, annotated_types.GroupedMetadata) else (item,))
    elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                found.extend(_flatten_metadata(arg))
    return found
