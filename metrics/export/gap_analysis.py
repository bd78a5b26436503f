"""The gap-analysis workbook for commissioning papers: need against reach and capacity, by ward and group.

It is written from the same `GapAnalysis` the Services page draws, so the workbook and the page
agree. Exports never carry unsuppressed counts: every count has passed disclosure control under
the board or commissioner rule, and a hidden value is written as `*`.
"""

from __future__ import annotations

import io
from datetime import datetime

import duckdb
import polars as pl
import xlsxwriter

from metrics.aggregate import query_sql
from metrics.coverage import MARAC_CASES_PER_10000_WOMEN, MARAC_CASES_PER_IDVA_FTE, REACH_GAP_PCT
from metrics.disclosure import SUPPRESSED_TEXT, Audience, DisclosureError, DisclosureRule, rule_for
from metrics.export import columns
from metrics.export.columns import Column
from metrics.gap_summary import summary
from metrics.periods import Period
from metrics.registry import get
from metrics.service_gaps import GROUP_SHORT_LABELS, GapAnalysis, gap_analysis
from oversight.settings import get_settings

SHEETS = ("Summary", "Coverage", "Need vs reach vs capacity", "Capacity gaps", "Service register", "Indicators", "Metadata")
NO_SERVICE, LOW_REACH = "no service", "low reach"
# The Coverage sheet: one ward x client group block per measure, each under its title.
COVERAGE_BLOCKS = (
    (f"Gaps: '{NO_SERVICE}' = no service takes the group in the ward; '{LOW_REACH}' = support started for fewer "
     f"than {REACH_GAP_PCT:g}% of the estimated need", "gap", None),
    ("Specialist services taking the group", "n_services", None),
    ("People whose support started in the period", "people_reached", "people_reached_suppressed"),
    ("Estimated need (people)", "estimated_need", "estimated_need_suppressed"),
    ("People reached as % of estimated need", "reach_pct_of_need", "reach_pct_of_need_suppressed"),
)
NOT_SHOWN = f"{SUPPRESSED_TEXT} = not shown: too few people to show safely"


def build_gap_analysis(con: duckdb.DuckDBPyConnection, *, period: Period, ward_code: str | None = None,
                       rule: DisclosureRule, generated_at: datetime, data_as_at: datetime | None) -> bytes:
    """The .xlsx bytes of the gap analysis for `period` and the district (or the ward `ward_code`)."""
    if rule.is_identity:
        raise DisclosureError("exports always use the board or commissioner disclosure rule, never unsuppressed counts")
    analysis = gap_analysis(con, period, rule, ward_code=ward_code)
    extracts = con.sql(query_sql("gap_analysis_extracts")).pl()
    return write_workbook(analysis, extracts=extracts, generated_at=generated_at, data_as_at=data_as_at)


def commissioner_workbook(con: duckdb.DuckDBPyConnection, *, period: Period, ward_code: str | None = None) -> bytes:
    """The workbook under the commissioner rule from the settings, whoever asks for it, built now."""
    rule = rule_for(Audience.COMMISSIONER, get_settings())
    return build_gap_analysis(con, period=period, ward_code=ward_code, rule=rule, generated_at=datetime.now(),
                              data_as_at=data_as_at(con))


def data_as_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the last refresh of the warehouse finished."""
    return con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]


def write_workbook(analysis: GapAnalysis, *, extracts: pl.DataFrame, generated_at: datetime,
                   data_as_at: datetime | None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"title": f"Gap analysis: {analysis.area}, {analysis.period.label}", "author": "Oversight"})
    writer = _Writer(book)
    sheets = {name: book.add_worksheet(name) for name in SHEETS}
    _summary(writer, sheets["Summary"], analysis, data_as_at)
    _coverage(writer, sheets["Coverage"], analysis)
    writer.table(sheets["Need vs reach vs capacity"], 0, "Need, reach and capacity by ward and client group",
                 analysis.coverage, columns.COVERAGE)
    row = writer.table(sheets["Capacity gaps"], 0, "IDVA capacity against SafeLives' guide", analysis.idva, columns.IDVA)
    row = writer.table(sheets["Capacity gaps"], row, "Places against demand, per service (whole service)",
                       analysis.capacity, columns.CAPACITY)
    writer.table(sheets["Capacity gaps"], row, "How support ended, per service (referrals received in the period)",
                 analysis.outcomes, columns.OUTCOMES)
    writer.table(sheets["Service register"], 0, f"Services serving {analysis.area}", analysis.register, columns.REGISTER)
    row = writer.table(sheets["Indicators"], 0, f"Indicators for {analysis.area}, {analysis.period.label}",
                       analysis.indicators, columns.INDICATORS)
    writer.table(sheets["Indicators"], row, "Against published benchmarks", analysis.benchmarks, columns.BENCHMARKS)
    _metadata(writer, sheets["Metadata"], analysis, extracts, generated_at, data_as_at)
    for sheet in sheets.values():
        sheet.hide_gridlines(2)
    book.close()
    return buffer.getvalue()


class _Writer:
    """Formats and a table writer shared by the sheets."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F0", "border": 1})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.hidden = book.add_format({"align": "right", "italic": True})
        self.gap = book.add_format({"bold": True, "font_color": "#801650"})
        self._numbers: dict[str, object] = {}

    def number(self, number_format: str | None) -> object:
        if number_format not in self._numbers:
            self._numbers[number_format] = self.book.add_format({"num_format": number_format} if number_format else {})
        return self._numbers[number_format]

    def table(self, sheet, row: int, title: str, frame: pl.DataFrame, spec: tuple[Column, ...], *,
              widths: bool = True) -> int:
        """Write a titled table from `row`; return the row after it and a blank line."""
        sheet.write(row, 0, title, self.heading)
        for index, column in enumerate(spec):
            sheet.write(row + 1, index, column.header, self.header)
            if widths:
                sheet.set_column(index, index, max(12, min(40, len(column.header) + 2)))
        body = columns.cells(frame, spec)
        for offset, values in enumerate(body, start=row + 2):
            for index, (column, value) in enumerate(zip(spec, values, strict=True)):
                self.cell(sheet, offset, index, value, column.number_format)
        if not body:
            sheet.write(row + 2, 0, "Nothing to show for this selection.")
        if row == 0:
            sheet.freeze_panes(2, 0)
        return row + 3 + max(len(body), 1)

    def cell(self, sheet, row: int, column: int, value: object, number_format: str | None = None) -> None:
        if value is None:
            return
        if value == SUPPRESSED_TEXT:
            sheet.write_string(row, column, value, self.hidden)
        elif isinstance(value, bool):
            sheet.write_string(row, column, "yes" if value else "no")
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, self.number(number_format))
        else:
            sheet.write_string(row, column, str(value))


def _summary(writer: _Writer, sheet, analysis: GapAnalysis, data_as_at: datetime | None) -> None:
    sheet.set_column(0, 0, 130)
    sheet.write(0, 0, f"Gap analysis: {analysis.area}, {analysis.period.label}", writer.title)
    sheet.write(1, 0, f"Period {analysis.period.start:%d %B %Y} to {analysis.period.end:%d %B %Y}; data as at "
                      f"{_when(data_as_at)}. {NOT_SHOWN}. Need, reach and capacity are explained on the Metadata sheet.")
    row = 3
    for heading, lines in summary(analysis).items():
        sheet.write(row, 0, heading, writer.heading)
        for row, line in enumerate(lines, start=row + 1):
            sheet.write(row, 0, line, writer.text)
        row += 2


def _coverage(writer: _Writer, sheet, analysis: GapAnalysis) -> None:
    coverage = analysis.coverage.with_columns(
        gap=pl.when(pl.col("has_no_service")).then(pl.lit(NO_SERVICE))
        .when(pl.col("has_low_reach")).then(pl.lit(LOW_REACH)).otherwise(pl.lit("")))
    groups = [group for group in GROUP_SHORT_LABELS if group in set(coverage["client_group"])]
    wards = coverage.select("ward_code", "ward_name").unique(maintain_order=True).rows()
    cells = {(row["ward_code"], row["client_group"]): row for row in coverage.iter_rows(named=True)}
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 1 + len(groups), 14)
    row = 0
    for title, name, flag in COVERAGE_BLOCKS:
        sheet.write(row, 0, title, writer.heading)
        for index, header in enumerate(["Ward code", "Ward", *(GROUP_SHORT_LABELS[group] for group in groups)]):
            sheet.write(row + 1, index, header, writer.header)
        for offset, (ward_code, ward_name) in enumerate(wards, start=row + 2):
            sheet.write_string(offset, 0, ward_code)
            sheet.write_string(offset, 1, ward_name)
            for index, group in enumerate(groups, start=2):
                entry = cells[(ward_code, group)]
                value = SUPPRESSED_TEXT if flag and entry[flag] and entry[name] is None else entry[name]
                if name == "gap" and value:
                    sheet.write_string(offset, index, value, writer.gap)
                else:
                    writer.cell(sheet, offset, index, value, "0.0" if name.endswith("_pct_of_need") else "#,##0")
        row += len(wards) + 3
    sheet.write(row, 0, f"{NOT_SHOWN}. A blank need or share: need is not estimated for the group (no population figures).")


def _metadata(writer: _Writer, sheet, analysis: GapAnalysis, extracts: pl.DataFrame, generated_at: datetime,
              data_as_at: datetime | None) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 110)
    rule = analysis.rule
    facts = [
        ("Generated at", _when(generated_at)),
        ("Data as at (last refresh finished)", _when(data_as_at)),
        ("Filter: period", f"{analysis.period.label} ({analysis.period.start:%Y-%m-%d} to {analysis.period.end:%Y-%m-%d})"),
        ("Filter: ward", analysis.area + (f" ({analysis.ward_code})" if analysis.ward_code else "")),
        ("Filter: sex, age band, ethnic group", "all: the analysis is by client group (the columns), not cut by these"),
        ("Disclosure rule", rule.describe()),
        ("Disclosure settings", f"threshold {rule.threshold}, rounding base {rule.rounding_base}; {NOT_SHOWN}"),
        ("Estimated need", "Adult groups: victims the Crime Survey for England and Wales predicts among residents "
                           "(residents x last-year rate for their sex and age band x years). Children: children present "
                           "at police incidents. Perpetrators: known perpetrators of police incidents. LGBT+ and "
                           "disabled victims: not estimated (no population figures held)."),
        ("Places (capacity)", "Each service's registered places a year times the years in the period, split over the "
                              "wards it serves in proportion to the residents it is for; counted in full for each group."),
        ("Gap", f"No service takes the group in the ward (where need is not zero), or support started for fewer than "
                f"{REACH_GAP_PCT:g}% of the estimated need."),
        ("IDVA guide (SafeLives)", f"{MARAC_CASES_PER_10000_WOMEN:g} MARAC cases a year per 10,000 women aged 16+ "
                                   f"expected (national 47); one full-time IDVA per {MARAC_CASES_PER_IDVA_FTE:g} cases a year."),
    ]
    sheet.write(0, 0, "About this workbook", writer.title)
    for row, (name, value) in enumerate(facts, start=1):
        sheet.write_string(row, 0, name, writer.header)
        sheet.write_string(row, 1, value, writer.text)
    row = len(facts) + 2
    extract_rows = extracts.with_columns(pl.col("last_loaded_at", "latest_event_at").dt.strftime("%Y-%m-%d %H:%M"))
    row = writer.table(sheet, row, "Extracts in the warehouse", extract_rows, (
        Column("extract", "Extract"), Column("file_names", "Files"), Column("last_loaded_at", "Last loaded"),
        Column("latest_event_at", "Latest event held")), widths=False)
    definitions = pl.DataFrame([_definition(indicator_id) for indicator_id in analysis.indicators["indicator_id"]],
                               schema={name: pl.String for name in ("id", "title", "description", "unit", "numerator",
                                                                    "denominator", "method", "benchmarks", "sources", "notes")})
    writer.table(sheet, row, "Definitions of the indicators used", definitions, tuple(
        Column(name, name.capitalize()) for name in definitions.columns), widths=False)


def _definition(indicator_id: str) -> dict[str, str]:
    indicator = get(indicator_id)
    return {"id": indicator.id, "title": indicator.title, "description": indicator.description, "unit": indicator.unit,
            "numerator": indicator.numerator, "denominator": indicator.denominator, "method": indicator.ci_method,
            "benchmarks": "; ".join(f"{item.label}: {item.value:g} ({item.source})" for item in indicator.benchmarks),
            "sources": ", ".join(indicator.source_extracts), "notes": indicator.notes}


def _when(moment: datetime | None) -> str:
    return "not known" if moment is None else f"{moment:%d %B %Y, %H:%M}"
