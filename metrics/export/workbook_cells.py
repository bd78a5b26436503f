"""Writing cells and tables into a sheet of an .xlsx workbook: the formats the sheets share, `*` where a
value is hidden and a blank that means something written in words."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import xlsxwriter

from metrics.disclosure import NOT_SHOWN, SUPPRESSED_TEXT
from metrics.export import columns
from metrics.export.columns import Column

NOT_ESTIMATED = "not estimated"
SUPPRESSED_LEGEND = f"{SUPPRESSED_TEXT} = {NOT_SHOWN}"
LIGHT, DARK, MIDDLE = "#F7F7F7", "#801650", "#F4B6C8"  # the colour module's pinks, for the printed grid


def moment_text(moment: datetime | None) -> str:
    """A time as a sheet states it (the workbook made, the data as at): "05 December 2026, 06:30", or "not known"."""
    return "not known" if moment is None else f"{moment:%d %B %Y, %H:%M}"


def cells_as_written(frame: pl.DataFrame, spec: tuple[Column, ...], blanks: dict[str, str] | None = None) -> list[list]:
    """A table's cells as the workbook writes them: `*` where hidden, and a blank that means something in words."""
    body = columns.cells(frame, spec)
    blanks = blanks or {}
    for values in body:
        for index, column in enumerate(spec):
            if values[index] is None and column.name in blanks:
                values[index] = blanks[column.name]
    return body


class SheetWriter:
    """Formats and a table writer shared by the sheets."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F0", "border": 1})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.lead = book.add_format({"text_wrap": True, "valign": "top", "bold": True})
        self.hidden = book.add_format({"align": "right", "italic": True})
        self.not_estimated = book.add_format({"align": "right", "italic": True, "font_color": "#595959"})
        self.gap = book.add_format({"bold": True, "font_color": DARK})
        self._numbers: dict[str | None, object] = {}

    def number(self, number_format: str | None) -> object:
        if number_format not in self._numbers:
            self._numbers[number_format] = self.book.add_format({"num_format": number_format} if number_format else {})
        return self._numbers[number_format]

    def table(
        self,
        sheet,
        row: int,
        title: str,
        frame: pl.DataFrame,
        spec: tuple[Column, ...],
        *,
        widths: bool = True,
        filtered: bool = False,
        blanks: dict[str, str] | None = None,
    ) -> int:
        """Write a titled table from `row`; return the row after it and a blank line.

        `filtered`: the sheet's one table, with an autofilter on its header, the header repeated on every printed
        page and frozen on screen.
        """
        sheet.write(row, 0, title, self.heading)
        body = cells_as_written(frame, spec, blanks)
        for index, column in enumerate(spec):
            sheet.write(row + 1, index, column.header, self.header)
            if widths:
                longest = max([len(str(values[index])) for values in body if values[index] is not None] or [0])
                sheet.set_column(index, index, max(10, min(45, max(len(column.header) // 2 + 2, longest + 2))))
        for offset, values in enumerate(body, start=row + 2):
            for index, (column, value) in enumerate(zip(spec, values, strict=True)):
                self.cell(sheet, offset, index, value, column.number_format)
        if not body:
            sheet.write(row + 2, 0, "Nothing to show for this selection.")
        if filtered:
            sheet.autofilter(row + 1, 0, row + 1 + max(len(body), 1), len(spec) - 1)
            sheet.repeat_rows(row + 1)
            sheet.freeze_panes(row + 2, 0)
        return row + 3 + max(len(body), 1)

    def cell(
        self, sheet, row: int, column: int, value: object, number_format: str | None = None, cell_format: object | None = None
    ) -> None:
        if value is None:
            return
        if value == SUPPRESSED_TEXT:
            sheet.write_string(row, column, value, self.hidden)
        elif value == NOT_ESTIMATED:
            sheet.write_string(row, column, value, self.not_estimated)
        elif isinstance(value, bool):
            sheet.write_string(row, column, "yes" if value else "no")
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, cell_format or self.number(number_format))
        else:
            sheet.write_string(row, column, str(value), cell_format)
