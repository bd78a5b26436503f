"""What every reader returns: text columns by position, the header beside them, lines and rejects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class StructuralReject:
    line: int
    column: str | None
    value: str | None
    rule: str


@dataclass
class ReadResult:
    """What was read: where rows went, and what the header said."""

    table: str
    header: list[str]
    rows_read: int
    structural_rejects: list[StructuralReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record_spans: dict[int, int] = field(default_factory=dict)  # first line -> last line of records spanning lines

    @property
    def source_columns(self) -> list[str]:
        return positional_names(len(self.header))

    @property
    def rows_in_file(self) -> int:
        return self.rows_read + len({reject.line for reject in self.structural_rejects})


def normalise_header(name: object) -> str:
    return re.sub(r"\s+", " ", str(name if name is not None else "")).strip().lower()


def positional_names(count: int) -> list[str]:
    return [f"c{index}" for index in range(count)]


def sql_string(value: object) -> str:
    """A SQL string literal. Table functions such as read_csv take no bound parameters here."""
    return "'" + str(value).replace("'", "''") + "'"


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
