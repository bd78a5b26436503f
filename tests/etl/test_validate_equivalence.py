"""The set-based SQL validator and the pydantic models give the same verdict on every row.

Rows are generated from the contract itself: each column draws valid values for its kind
(in the odd spellings the contract allows), near-misses and junk. Every row goes through
`check_rows` in one DuckDB call per example and through `model_validate` one at a time;
the two must agree on valid/invalid and, for valid rows, on the typed values.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from etl.contract import ALL_MODELS, ColumnSpec, Extract
from etl.contract.columns import ID_PATTERN, KindName
from etl.contract.values import FALSE_WORDS, TRUE_WORDS
from etl.validate import WHITESPACE, check_rows, clean_pattern

AS_OF = datetime(2026, 11, 25, 22, 0)
EARLIEST = date(2015, 1, 1)
CONTEXT = {"as_of": AS_OF, "earliest": EARLIEST}

# Blank cells as files deliver them: empty, spaces, tabs, Excel's non-breaking space, NULL.
BLANKS = st.sampled_from([None, "", " ", "   ", "\t", "\xa0", " \r\n", "\u3000"])
PADS = st.sampled_from(["", "", "", " ", "  ", "\t", "\xa0", "\n"])
JUNK_WORDS = [
    "N/A",
    "n/a",
    "null",
    "NULL",
    "None",
    "none",
    "-",
    "?",
    "0",
    "1",
    "true",
    "unknown",
    "all",
    ";",
    ";;",
    "E05000001",
    "2026-01-01",
    "12:00",
    "\u0130DVA",
    "un\u212anown",
    "x\x00y",
    "\U0001f642",
]
JUNK = st.one_of(BLANKS, st.sampled_from(JUNK_WORDS), st.text(max_size=12))


def padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(PADS, values, PADS).map("".join)


def any_case(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    changes = st.sampled_from([str, str.lower, str.upper, str.title, str.swapcase])
    return st.tuples(changes, values).map(lambda pair: pair[0](pair[1]))


def id_values(_: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    valid = padded(st.from_regex(ID_PATTERN, fullmatch=True))
    near = st.sampled_from(["_abc", "a b", "a" * 65, "\u00e91", "-1", "abc!", "a,b", "I\u0130"])
    return valid, near


def text_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    limit = spec.kind.max_length or 200
    valid = st.one_of(st.text(min_size=1, max_size=30), st.just("x" * limit), st.just(" " + "y" * limit + " "))
    near = st.sampled_from(["x" * (limit + 1), "\u00e9" * (limit + 1)])
    return valid, near


def code_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    pattern = spec.kind.pattern or ""
    prefixes = [p for p in ("E05", "W05", "E01", "W01") if p[1:] in pattern and p[0] in pattern]
    digits = st.from_regex(r"[0-9]{6}", fullmatch=True)
    valid = padded(any_case(st.tuples(st.sampled_from(prefixes), digits).map("".join)))
    near_prefixes = st.sampled_from(["E06", "S05", "E02", "N01", "05", "E5", "E05 "])
    near = st.one_of(
        st.tuples(near_prefixes, digits).map("".join),
        st.sampled_from(["E0500001", "E050000012", "E05\uff10\uff10\uff10\uff10\uff10\uff11", "E05-000001"]),
    )
    return valid, near


def enum_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    allowed = list(spec.enum_values)
    valid = padded(any_case(st.sampled_from(allowed)))
    near = st.one_of(
        st.sampled_from(allowed).map(lambda value: value + "s"),
        st.sampled_from(allowed).map(lambda value: value.replace("_", " ").replace("-", " to ")),
        st.sampled_from(allowed).map(lambda value: value[:-1]),
        # Letters whose Unicode case mapping lands on (or next to) ASCII: Turkish dotted I, Kelvin sign.
        st.sampled_from(allowed).map(lambda value: value.upper().replace("I", "\u0130")),
        st.sampled_from(allowed).map(lambda value: value.replace("k", "\u212a")),
        st.sampled_from(["none", "all", "yes", "n/a", "unknwon", "Not known", "\u0130DVA", "un\u212anown"]),
    )
    return valid, near


def boolean_values(_: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    valid = padded(any_case(st.sampled_from(TRUE_WORDS + FALSE_WORDS)))
    near = st.sampled_from(["t", "f", "on", "off", "2", "-1", "1.0", "+1", "01", "yes!", "truee", "yes no", "Y\u0130"])
    return valid, near


def _formatted(shapes: list[str], numbers: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    return padded(st.tuples(st.sampled_from(shapes), numbers).map(lambda pair: pair[0].format(pair[1])))


def integer_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    low = int(spec.ge) if spec.ge is not None else -1000
    high = int(spec.le) if spec.le is not None else 10**18 - 1
    inside = st.one_of(st.sampled_from([low, low + 1, high - 1, high]), st.integers(low, min(high, low + 3000)))
    outside = st.sampled_from([low - 1, high + 1, -(10**18), 10**18 + 5])
    shapes = ["{}", "{:+d}", "{:03d}", " {} "]
    near = st.one_of(
        _formatted(shapes, outside),
        st.sampled_from(["1.0", "1e3", "1,000", "1 000", "\uff11", "\u0663", "0x10", "--1", "+-1", "5.", "", "-"]),
    )
    return _formatted(shapes, inside), near


def number_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    low = spec.ge if spec.ge is not None else -1000.0
    high = spec.le if spec.le is not None else 100000.0
    inside = st.one_of(st.sampled_from([low, high, (low + high) / 2]), st.floats(low, high))
    outside = st.sampled_from([low - 0.001, high + 0.001, low - 1, high + 1])
    shapes = ["{}", "{:.3f}", "{:+.2f}", "{:.0f}", "{:.0f}."]
    near = st.one_of(
        _formatted(["{}", "{:.3f}"], outside),
        st.sampled_from([".5", "+.5", "-0", "1e-3", "nan", "inf", "1,5", ".", "+", "1.2.3", "\u0661.5", "1" * 16]),
    )
    return _formatted(shapes, inside), near


def _format_date(pair: tuple[str, date]) -> str:
    return pair[1].isoformat() + pair[0]


def date_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    today = AS_OF.date()
    last = today if spec.kind.not_future else date(2100, 12, 31)
    inside = st.one_of(st.dates(EARLIEST, last), st.sampled_from([EARLIEST, today, last]))
    outside = st.sampled_from([EARLIEST - timedelta(days=1), date(1999, 12, 31), last + timedelta(days=1)])
    valid_suffixes = st.sampled_from(["", "", "T00:00", " 00:00:00", "T00:00:00.000000", "T00:00:00.0"])
    near_suffixes = st.sampled_from(["T10:00", "T24:00", "T00:00:00.0000000", "Z", "T00:00Z", " 00:00:01"])
    near = st.one_of(
        st.tuples(valid_suffixes, outside).map(_format_date),
        st.tuples(near_suffixes, inside).map(_format_date),
        st.sampled_from(
            [
                "2026-02-30",
                "2026-13-01",
                "2026-00-10",
                "2026-1-1",
                "01/02/2026",
                "20260101",
                "0000-01-01",
                "9999-12-31",
                "2026-01-01 00:00:00 ",
                "2026-01-01 00:00:00",
            ]
        ),
    )
    return padded(st.tuples(valid_suffixes, inside).map(_format_date)), near


def _format_moment(parts: tuple[str, int, datetime]) -> str:
    """`precision` -1 stops at minutes, 0 at seconds, 1-6 gives that many fraction digits."""
    separator, precision, moment = parts
    text = moment.strftime("%Y-%m-%d") + separator + moment.strftime("%H:%M")
    if precision >= 0:
        text += moment.strftime(":%S")
    if precision >= 1:
        text += "." + moment.strftime("%f")[:precision]
    return text


def timestamp_values(_: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    night = datetime.combine(EARLIEST, datetime.min.time())
    inside = st.one_of(
        st.datetimes(AS_OF - timedelta(days=5), AS_OF),
        st.datetimes(night, night + timedelta(days=1)),
        st.sampled_from([AS_OF, night]),
    )
    outside = st.one_of(
        st.datetimes(AS_OF, AS_OF + timedelta(hours=2)),
        st.sampled_from([AS_OF + timedelta(microseconds=1), AS_OF + timedelta(minutes=1), night - timedelta(microseconds=1)]),
    )
    separators, precisions = st.sampled_from(["T", " "]), st.integers(-1, 6)
    near = st.one_of(
        st.tuples(separators, precisions, outside).map(_format_moment),
        st.sampled_from(
            [
                "2026-11-20T24:00",
                "2026-11-20T23:60",
                "2026-11-20T10:00:60",
                "2026-11-20",
                "2026-11-20T10:00Z",
                "2026-11-20T10:00+00:00",
                "2026-11-20t10:00",
                "2026-11-20 9:00",
                "2026-02-30T10:00",
                "2026-11-20T10:00:00.1234567",
                "2026-11-20T10",
                "20/11/2026 10:00",
                "2026-11-20  10:00",
                "0000-01-01T00:00",
                "2026-11-20T10:00:00.",
            ]
        ),
    )
    return padded(st.tuples(separators, precisions, inside).map(_format_moment)), near


def enum_list_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    items = padded(any_case(st.sampled_from(list(spec.enum_values))))
    joins = st.sampled_from([";", "; ", " ;", ";;"])
    lists = st.tuples(joins, st.lists(items, min_size=1, max_size=4)).map(lambda pair: pair[0].join(pair[1]))
    valid = st.one_of(lists, lists.map(lambda text: ";" + text + ";"))
    bad_items = st.sampled_from(["womens", "everyone", "lgbt+", "all people"])
    near = st.one_of(
        st.tuples(lists, bad_items).map(";".join),
        st.lists(st.sampled_from(list(spec.enum_values)), min_size=2, max_size=3).map(",".join),
        st.sampled_from([";", ";;", " ; ; "]),
    )
    return valid, near


def ward_list_values(spec: ColumnSpec) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    codes = padded(any_case(st.from_regex(r"[EW]05[0-9]{6}", fullmatch=True)))
    joined = st.lists(codes, min_size=1, max_size=4).map(";".join)
    valid = st.one_of(joined, joined.map(lambda text: text + ";;"), padded(any_case(st.just("all"))))
    near = st.sampled_from(["all;E05000001", "E01000001", "E05000001,E05000002", "E05000001;E0500002", ";;", "alls", "ALL;ALL"])
    return valid, near


VALUES_BY_KIND = {
    KindName.id: id_values,
    KindName.text: text_values,
    KindName.code: code_values,
    KindName.enum: enum_values,
    KindName.demographic: enum_values,
    KindName.boolean: boolean_values,
    KindName.integer: integer_values,
    KindName.number: number_values,
    KindName.date: date_values,
    KindName.timestamp: timestamp_values,
    KindName.enum_list: enum_list_values,
    KindName.ward_list: ward_list_values,
}


def column_strategies(spec: ColumnSpec) -> tuple[st.SearchStrategy[str | None], st.SearchStrategy[str | None]]:
    """(mostly valid, broken) cells for one column; a blank is valid where a value is optional."""
    valid, near = VALUES_BY_KIND[spec.kind.name](spec)
    if not spec.required or spec.kind.name is KindName.demographic:
        valid = st.one_of(valid, valid, BLANKS)
    return valid, st.one_of(near, near, JUNK)


def row_strategy(model: type[Extract]) -> st.SearchStrategy[dict[str, str | None]]:
    """A row whose columns are valid except for up to two broken ones, so both verdicts occur often."""
    cells = {spec.name: column_strategies(spec) for spec in model.columns()}

    @st.composite
    def rows(draw: st.DrawFn) -> dict[str, str | None]:
        broken = draw(st.sets(st.sampled_from(sorted(cells)), max_size=2))
        return {name: draw(pair[1] if name in broken else pair[0]) for name, pair in cells.items()}

    return rows()


def checked_rows(con: duckdb.DuckDBPyConnection, model: type[Extract], rows: list[dict[str, str | None]]) -> list[dict[str, Any]]:
    names = [spec.name for spec in model.columns()]
    source = pa.table(
        {"_line": pa.array(range(len(rows)), pa.int64())}
        | {name: pa.array([row[name] for row in rows], pa.string()) for name in names}
    )
    con.register("generated_rows", source)
    check_rows(con, model, "generated_rows", "generated_checked", as_of=AS_OF, earliest=EARLIEST)
    cursor = con.execute("select * from generated_checked order by _line")
    columns = [description[0] for description in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def disagreement(model: type[Extract], row: dict[str, str | None], checked: dict[str, Any]) -> str | None:
    """Why SQL and pydantic disagree on this row, or None when they agree."""
    try:
        parsed = model.model_validate(row, context=CONTEXT)
    except ValidationError as error:
        if not checked["_problems"]:
            return f"SQL accepts but pydantic refuses: {error.errors(include_url=False)}"
        return None
    if checked["_problems"]:
        return f"pydantic accepts but SQL refuses: {checked['_problems']}"
    dumped = parsed.model_dump()
    for name, python_value in dumped.items():
        sql_value = checked[name]
        if sql_value != python_value or type(sql_value) is not type(python_value):
            return f"{name}: SQL typed {sql_value!r} but pydantic {python_value!r}"
    return None


def test_sql_trims_exactly_what_python_strips() -> None:
    assert set(WHITESPACE) == {char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace()}


CLEAN_COLUMNS = [(model, spec) for model in ALL_MODELS for spec in model.columns() if clean_pattern(spec) is not None]


@pytest.mark.parametrize(
    ("model", "spec"), CLEAN_COLUMNS, ids=[f"{model.extract_name}.{spec.name}" for model, spec in CLEAN_COLUMNS]
)
def test_a_cell_matching_its_clean_pattern_needs_no_cleaning(model: type[Extract], spec: ColumnSpec) -> None:
    # The check passes such a cell on as it stands, so it must be what trimming and (for a code) upper case leave.
    pattern = clean_pattern(spec)
    assert pattern is not None

    @settings(deadline=None)
    @given(text=st.from_regex(pattern, fullmatch=True))
    def clean(text: str) -> None:
        assert text and text.strip() == text
        if spec.kind.name is KindName.code:
            assert text.upper() == text

    clean()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda model: model.extract_name)
def test_sql_and_pydantic_agree_on_every_row(model: type[Extract]) -> None:
    con = duckdb.connect()
    verdicts: set[bool] = set()

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(rows=st.lists(row_strategy(model), min_size=1, max_size=50))
    def agree(rows: list[dict[str, str | None]]) -> None:
        for row, checked in zip(rows, checked_rows(con, model, rows), strict=True):
            verdicts.add(not checked["_problems"])
            problem = disagreement(model, row, checked)
            assert problem is None, f"{model.extract_name} row {row!r}: {problem}"

    agree()
    assert verdicts == {True, False}, "the generated rows should include both valid and invalid ones"
