"""Rules that span columns of one row, declared with the model and checked on both sides.

Each rule names the column it blames, checks a parsed row in Python (for the pydantic
model) and renders the same test as SQL over the typed columns (for the set-based
validator). `None` means the row passes the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AtLeastOneOf:
    """At least one of the columns has a value (e.g. a ward code or an LSOA code)."""

    columns: tuple[str, ...]

    @property
    def blamed_column(self) -> str:
        return "/".join(self.columns)

    @property
    def message(self) -> str:
        return "needs at least one of " + ", ".join(self.columns)

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        if all(row.get(column) is None for column in self.columns):
            return [(self.blamed_column, self.message)]
        return []

    def sql(self, typed: dict[str, str]) -> list[tuple[str, str]]:
        condition = " and ".join(f"{typed[column]} is null" for column in self.columns)
        return [(self.blamed_column, f"case when {condition} then '{self.message}' end")]


@dataclass(frozen=True)
class InOrder:
    """Dates along a path never run backwards: each present value is not before an earlier one."""

    columns: tuple[str, ...]

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        for position, later in enumerate(self.columns):
            for earlier in self.columns[:position]:
                later_value, earlier_value = row.get(later), row.get(earlier)
                if later_value is not None and earlier_value is not None and later_value < earlier_value:
                    problems.append((later, f"{later} is before {earlier}"))
                    break
        return problems

    def sql(self, typed: dict[str, str]) -> list[tuple[str, str]]:
        checks = []
        for position, later in enumerate(self.columns):
            if position == 0:
                continue
            branches = " ".join(
                f"when {typed[later]} < {typed[earlier]} then '{later} is before {earlier}'"
                for earlier in self.columns[:position]
            )
            checks.append((later, f"case {branches} end"))
        return checks


@dataclass(frozen=True)
class RequiredWhen:
    """A column must have a value when another column holds one of some values."""

    column: str
    when_column: str
    when_values: tuple[Any, ...]

    @property
    def message(self) -> str:
        shown = "/".join(str(value).lower() for value in self.when_values)
        return f"{self.column} is required when {self.when_column} is {shown}"

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        if row.get(self.when_column) in self.when_values and row.get(self.column) is None:
            return [(self.column, self.message)]
        return []

    def sql(self, typed: dict[str, str]) -> list[tuple[str, str]]:
        values = ", ".join(_sql_literal(value) for value in self.when_values)
        condition = f"{typed[self.when_column]} in ({values}) and {typed[self.column]} is null"
        return [(self.column, f"case when {condition} then '{self.message}' end")]


@dataclass(frozen=True)
class OnlyWhen:
    """A column may be true only when another count is above zero (e.g. child spoken to)."""

    column: str
    count_column: str

    @property
    def message(self) -> str:
        return f"{self.column} is true but {self.count_column} is 0"

    def check(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        if row.get(self.column) is True and row.get(self.count_column) == 0:
            return [(self.column, self.message)]
        return []

    def sql(self, typed: dict[str, str]) -> list[tuple[str, str]]:
        condition = f"{typed[self.column]} and {typed[self.count_column]} = 0"
        return [(self.column, f"case when {condition} then '{self.message}' end")]


Rule = AtLeastOneOf | InOrder | RequiredWhen | OnlyWhen


def _sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
