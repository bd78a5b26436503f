"""Column kinds: how a text cell from an agency file becomes a typed value.

Each kind is declared once here with its Python parser (used by the pydantic models) and
read by `etl.validate`, which generates the equivalent set-based SQL check. A property
test holds the two to the same verdict on every row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import partial
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import BeforeValidator, Field

from etl.contract.values import FALSE_WORDS, TRUE_WORDS

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,63}"
WARD_CODE_PATTERN = r"[EW]05[0-9]{6}"
LSOA_CODE_PATTERN = r"[EW]01[0-9]{6}"
INTEGER_PATTERN = r"[+-]?[0-9]{1,18}"
NUMBER_PATTERN = r"[+-]?([0-9]{1,15}(\.[0-9]*)?|\.[0-9]+)"
DATE_PATTERN = r"([0-9]{4})-([0-9]{2})-([0-9]{2})([T ]00:00(:00(\.0{1,6})?)?)?"
TIMESTAMP_PATTERN = r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([01][0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9])(\.([0-9]{1,6}))?)?"

_DATE_RE = re.compile(DATE_PATTERN)
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)


class KindName(StrEnum):
    text = "text"
    id = "id"
    code = "code"
    enum = "enum"
    demographic = "demographic"
    boolean = "boolean"
    integer = "integer"
    number = "number"
    date = "date"
    timestamp = "timestamp"
    enum_list = "enum_list"
    ward_list = "ward_list"


@dataclass(frozen=True)
class Kind:
    """Marker carried in a field's metadata: which kind of column this is.

    `pattern` is the full-match pattern a text/code/id value must follow (after trimming;
    codes are upper-cased first). `sql_type` is the staging column type.
    """

    name: KindName
    sql_type: str
    pattern: str | None = None
    max_length: int | None = None
    not_future: bool = False
    description: str = ""


class CellError(ValueError):
    """A cell's value does not fit its column kind; the message says what was expected."""


def _expect(ok: bool, message: str) -> None:
    if not ok:
        raise CellError(message)


def parse_text(value: Any, kind: Kind) -> str:
    text = str(value).strip()
    if kind.max_length is not None:
        _expect(len(text) <= kind.max_length, f"expected at most {kind.max_length} characters")
    return text


def parse_id(value: Any) -> str:
    text = str(value).strip()
    _expect(re.fullmatch(ID_PATTERN, text) is not None, "expected an id of letters, digits and _.:/- (at most 64)")
    return text


def parse_code(value: Any, kind: Kind) -> str:
    text = str(value).strip().upper()
    assert kind.pattern is not None
    _expect(re.fullmatch(kind.pattern, text) is not None, f"expected a code like {kind.description}")
    return text


def parse_enum(value: Any, enum: type[Enum]) -> str:
    if isinstance(value, enum):
        return value.value
    text = str(value).strip().lower()
    allowed = [member.value for member in enum]
    _expect(text in allowed, "expected one of " + ", ".join(allowed))
    return text


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("expected true/false, yes/no, 1/0 or y/n")


def parse_integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    _expect(re.fullmatch(INTEGER_PATTERN, text) is not None, "expected a whole number")
    return int(text)


def parse_number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    _expect(re.fullmatch(NUMBER_PATTERN, text) is not None, "expected a number")
    return float(text)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_RE.fullmatch(str(value).strip())
    _expect(match is not None, "expected a date as YYYY-MM-DD")
    assert match is not None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as error:
        raise CellError("expected a real calendar date as YYYY-MM-DD") from error


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    match = _TIMESTAMP_RE.fullmatch(str(value).strip())
    _expect(match is not None, "expected a date and time as YYYY-MM-DDTHH:MM[:SS]")
    assert match is not None
    fraction = (match[9] or "").ljust(6, "0")
    try:
        return datetime(
            int(match[1]),
            int(match[2]),
            int(match[3]),
            int(match[4]),
            int(match[5]),
            int(match[7] or 0),
            int(fraction or 0),
        )
    except ValueError as error:
        raise CellError("expected a real calendar date and time") from error


def split_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = [str(item).strip().lower() for item in value]
    else:
        items = [item.strip().lower() for item in str(value).split(";")]
    items = [item for item in items if item]
    _expect(len(items) > 0, "expected a semicolon-separated list with at least one item")
    return items


def parse_enum_list(value: Any, enum: type[Enum]) -> list[str]:
    allowed = [member.value for member in enum]
    items = split_list(value)
    _expect(all(item in allowed for item in items), "expected a semicolon list of " + ", ".join(allowed))
    return items


def parse_ward_list(value: Any) -> list[str]:
    items = [item.upper() for item in split_list(value)]
    if items == ["ALL"]:
        return ["all"]
    _expect(
        all(re.fullmatch(WARD_CODE_PATTERN, item) for item in items),
        "expected `all` or a semicolon list of ward codes like E05000001",
    )
    return items


# ---- the annotated types the models use -------------------------------------------------

ID_KIND = Kind(KindName.id, "VARCHAR", pattern=ID_PATTERN, description="an id")
WARD_KIND = Kind(KindName.code, "VARCHAR", pattern=WARD_CODE_PATTERN, description="E05000001")
LSOA_KIND = Kind(KindName.code, "VARCHAR", pattern=LSOA_CODE_PATTERN, description="E01000001")
AREA_KIND = Kind(
    KindName.code,
    "VARCHAR",
    pattern=f"({WARD_CODE_PATTERN}|{LSOA_CODE_PATTERN})",
    description="E05000001 (ward) or E01000001 (LSOA)",
)

Id = Annotated[str, BeforeValidator(parse_id), ID_KIND]
WardCode = Annotated[str, BeforeValidator(lambda v: parse_code(v, WARD_KIND)), WARD_KIND]
LsoaCode = Annotated[str, BeforeValidator(lambda v: parse_code(v, LSOA_KIND)), LSOA_KIND]
AreaCode = Annotated[str, BeforeValidator(lambda v: parse_code(v, AREA_KIND)), AREA_KIND]
Boolean = Annotated[bool, BeforeValidator(parse_boolean), Kind(KindName.boolean, "BOOLEAN")]
Count = Annotated[int, BeforeValidator(parse_integer), Field(ge=0), Kind(KindName.integer, "BIGINT")]
Year = Annotated[int, BeforeValidator(parse_integer), Field(ge=1990, le=2100), Kind(KindName.integer, "INTEGER")]
Number = Annotated[float, BeforeValidator(parse_number), Kind(KindName.number, "DOUBLE")]
Day = Annotated[date, BeforeValidator(parse_date), Kind(KindName.date, "DATE", not_future=True)]
Moment = Annotated[datetime, BeforeValidator(parse_timestamp), Kind(KindName.timestamp, "TIMESTAMP", not_future=True)]
PlanDay = Annotated[date, BeforeValidator(parse_date), Kind(KindName.date, "DATE")]
WardList = Annotated[list[str], BeforeValidator(parse_ward_list), Kind(KindName.ward_list, "VARCHAR[]")]


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """Free text of at most `max_length` characters: `Annotated[str, Text(120)]`."""

    max_length: int = 200

    def __iter__(self) -> Iterator[object]:
        kind = Kind(KindName.text, "VARCHAR", max_length=self.max_length)
        yield BeforeValidator(partial(parse_text, kind=kind))
        yield kind


@dataclass(frozen=True)
class Choice(GroupedMetadata):
    """A closed value set: `Annotated[str, Choice(Sex)]`. Demographic columns record a missing value as `unknown`."""

    enum: type[Enum]
    missing_is_unknown: bool = False

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(partial(parse_enum, enum=self.enum))
        yield Kind(KindName.demographic if self.missing_is_unknown else KindName.enum, "VARCHAR")
        yield self.enum


@dataclass(frozen=True)
class Choices(GroupedMetadata):
    """A semicolon list from a closed value set: `Annotated[list[str], Choices(ClientGroup)]`."""

    enum: type[Enum]

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(partial(parse_enum_list, enum=self.enum))
        yield Kind(KindName.enum_list, "VARCHAR[]")
        yield self.enum
