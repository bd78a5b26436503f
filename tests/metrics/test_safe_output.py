"""CSV output a spreadsheet opens as text: formula-like cells neutralised as OWASP describes."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from metrics.safe_output import comment_lines, neutralised, safe_csv

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", ["Northfield", "1+1", "", "a=b", "'quoted"])
def test_other_text_is_written_as_it_is(text):
    assert neutralised(text) == text


def test_a_frame_keeps_its_numbers_and_neutralises_its_text():
    frame = pl.DataFrame({"name": [*HOSTILE, "Northfield", None], "value": [-1.5, 2, 3, 4, 5, 6, 7, 8]})
    rows = list(csv.reader(io.StringIO(safe_csv(frame), newline="")))
    assert rows[0] == ["name", "value"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE] + ["Northfield", ""]
    assert [float(row[1]) for row in rows[1:]] == [-1.5, 2, 3, 4, 5, 6, 7, 8]  # a negative number stays a number
    assert not [row[0] for row in rows[1:] if row[0][:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_comment_line_is_one_cell_with_its_value_neutralised():
    text = comment_lines([("ward", 'x,=HYPERLINK("http://evil.example")')])
    (row,) = list(csv.reader(io.StringIO(text)))
    assert row == ['# ward: x,=HYPERLINK("http://evil.example")']
    assert comment_lines([("ward", "=1+1")]) == "# ward: '=1+1\n"


def test_the_cli_writes_csv_through_the_neutraliser(monkeypatch, capsys):
    from oversight import cli_common

    frame = pl.DataFrame({"value": ["=1+1"]})
    cli_common.emit(frame, "csv", title="t")
    assert "'=1+1" in capsys.readouterr().out
