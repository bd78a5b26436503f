"""Output that is safe to open: no text from the data becomes a formula in a spreadsheet.

A CSV cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets
skip before reading one of those) is read by Excel, LibreOffice and Google Sheets as a formula, so an
agency's free text or a ward name such as `=HYPERLINK("http://...","Click")` would run on the reader's
machine. As OWASP's "CSV Injection" advice has it, such a text cell is written with a single quote in
front, and every cell is quoted by the CSV writer as needed. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A text cell a spreadsheet reads as text, never as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralised_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that a spreadsheet would read as a formula neutralised."""
    text = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical, pl.Enum)]
    starts = "^[" + "".join(FORMULA_STARTS).replace("-", r"\-") + "]"
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(starts))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )


def safe_csv(frame: pl.DataFrame) -> str:
    """`frame` as CSV text with formula-like text cells neutralised."""
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    flat = frame.with_columns(pl.col(name).cast(pl.String, strict=False) for name in nested) if nested else frame
    return neutralised_frame(flat).write_csv()


def comment_lines(pairs: Iterable[tuple[str, str]]) -> str:
    """`# name: value` lines for the top of a CSV, each one quoted cell with the value neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for name, value in pairs:
        writer.writerow([f"# {name}: {neutralised(str(value))}"])
    return buffer.getvalue()
