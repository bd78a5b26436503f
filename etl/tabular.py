"""What every reader returns: text columns by position, the header beside them, lines and rejects."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class StructuralReject:
    line: int
    column: str | None
    value: str | None
    rule: str


@dataclass(frozen=True)
class OtherSheet:
    """A workbook sheet beyond the first: never loaded, but read so it can be checked for identifiers."""

    name: str
    table: str
    header: list[str]


@dataclass
class ReadResult:
    """What was read: where rows went, and what the header said."""

    table: str
    header: list[str]
    rows_read: int
    structural_rejects: list[StructuralReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record_spans: dict[int, int] = field(default_factory=dict)  # first line -> last line of records spanning lines
    other_sheets: list[OtherSheet] = field(default_factory=list)

    @property
    def source_columns(self) -> list[str]:
        return positional_names(len(self.header))

    @property
    def rows_in_file(self) -> int:
        return self.rows_read + len({reject.line for reject in self.structural_rejects})


def normalise_header(name: object) -> str:
    """Trimmed, lower case, one space between words; NFKC, and format characters such as a
    zero-width space dropped, so an invisible character never makes a known column unknown."""
    text = unicodedata.normalize("NFKC", str(name if name is not None else ""))
    text = "".join(character for character in text if unicodedata.category(character) != "Cf")
    return re.sub(r"\s+", " ", text).strip().lower()


def positional_names(count: int) -> list[str]:
    return [f"c{index}" for index in range(count)]


def sql_string(value: object) -> str:
    """A SQL string literal. Table functions such as read_csv take no bound parameters here."""
    return "'" + str(value).replace("'", "''") + "'"


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
