"""The gap-analysis workbook for commissioning papers: need against reach and capacity, by ward and group.

It is written from the same `GapAnalysis` the Services page draws, so the workbook and the page
agree. Exports never carry unsuppressed counts: every count has passed disclosure control under
the board or commissioner rule, and a hidden value is written as `*`.

It is laid out to go straight into a paper: a Summary sheet that leads with the largest gaps in
people, the services at risk and both IDVA figures, with a chart; a coloured Coverage grid of real
numbers; one filterable table per sheet with its header repeated on every printed page; landscape
pages fitted to the width; and, when a what-if scenario is given, a What-if sheet setting the
scenario against today with the scenario itself saved beside it. Charts and formats are
xlsxwriter's own. The written sheets are metrics/export/gap_sheets.py, gap_what_if.py and
gap_metadata.py; how a cell or a table is written, metrics/export/workbook_cells.py.
"""

from __future__ import annotations

import io
from datetime import datetime

import duckdb
import polars as pl
import xlsxwriter

from metrics.aggregate import query_sql
from metrics.coverage import Assumptions
from metrics.disclosure import Audience, DisclosureError, DisclosureRule, rule_for
from metrics.export import columns
from metrics.export.columns import Column
from metrics.export.gap_metadata import write_metadata
from metrics.export.gap_sheets import write_coverage, write_idva_chart, write_summary
from metrics.export.gap_what_if import SCENARIO_SHEET, WHAT_IF_SHEET, scenario_of, write_scenario_file, write_what_if
from metrics.export.workbook_cells import NOT_ESTIMATED, SheetWriter
from metrics.periods import Period
from metrics.scenario import Scenario
from metrics.service_gaps import GapAnalysis, gap_analysis
from oversight.settings import get_settings

SHEETS = (
    "Summary",
    "Coverage",
    "Gaps ranked",
    "IDVA and MARAC",
    "Places and referrals",
    "Service outcomes",
    "Service register",
    "Indicators",
    "Benchmarks",
    "Metadata",
)


def build_gap_analysis(
    con: duckdb.DuckDBPyConnection,
    *,
    period: Period,
    ward_code: str | None = None,
    rule: DisclosureRule,
    generated_at: datetime,
    data_as_at: datetime | None,
    assumptions: Assumptions | None = None,
    scenario: Scenario | None = None,
) -> bytes:
    """The .xlsx bytes of the gap analysis for `period` and the district (or the ward `ward_code`); with a
    `scenario`, a What-if sheet sets its figures against today's and records the scenario."""
    if rule.is_identity:
        raise DisclosureError("exports always use the board or commissioner disclosure rule, never unsuppressed counts")
    assumptions = assumptions or Assumptions.from_settings(get_settings())
    analysis = gap_analysis(con, period, rule, ward_code=ward_code, assumptions=assumptions)
    what_if = (
        None
        if scenario is None
        else gap_analysis(
            con, period, rule, ward_code=ward_code, assumptions=assumptions, scenario=scenario, data_date=analysis.data_date
        )
    )
    extracts = con.sql(query_sql("gap_analysis_extracts")).pl()
    return write_workbook(analysis, extracts=extracts, generated_at=generated_at, data_as_at=data_as_at, what_if=what_if)


def commissioner_workbook(
    con: duckdb.DuckDBPyConnection, *, period: Period, ward_code: str | None = None, scenario: Scenario | None = None
) -> bytes:
    """The workbook under the commissioner rule from the settings, whoever asks for it, built now."""
    settings = get_settings()
    return build_gap_analysis(
        con,
        period=period,
        ward_code=ward_code,
        rule=rule_for(Audience.COMMISSIONER, settings),
        generated_at=datetime.now(),
        data_as_at=data_as_at(con),
        assumptions=Assumptions.from_settings(settings),
        scenario=scenario,
    )


def data_as_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the last refresh of the warehouse finished."""
    return con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]


def write_workbook(
    analysis: GapAnalysis,
    *,
    extracts: pl.DataFrame,
    generated_at: datetime,
    data_as_at: datetime | None,
    what_if: GapAnalysis | None = None,
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties(
        {
            "title": f"Gap analysis: {analysis.area}, {analysis.period.label}",
            "author": "Oversight",
            "comments": "" if what_if is None else scenario_of(what_if).to_yaml(),
        }
    )
    writer = SheetWriter(book)
    names = list(SHEETS)
    if what_if is not None:
        names[1:1] = [WHAT_IF_SHEET]
        names.append(SCENARIO_SHEET)
    sheets = {name: book.add_worksheet(name) for name in names}
    write_summary(writer, sheets["Summary"], analysis, data_as_at)
    if what_if is not None:
        write_what_if(writer, sheets[WHAT_IF_SHEET], analysis, what_if)
        write_scenario_file(writer, sheets[SCENARIO_SHEET], scenario_of(what_if))
    write_coverage(writer, sheets["Coverage"], analysis)
    for name, (title, frame, spec, blanks) in sheet_tables(analysis).items():
        row = writer.table(sheets[name], 0, title, frame, spec, filtered=True, blanks=blanks)
        if name == "IDVA and MARAC":
            write_idva_chart(writer, sheets[name], analysis, row)
    write_metadata(writer, sheets["Metadata"], analysis, extracts, generated_at, data_as_at, what_if)
    for sheet in sheets.values():
        sheet.hide_gridlines(2)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it needs
        sheet.set_footer("&L" + f"Gap analysis: {analysis.area}, {analysis.period.label}".replace("&", "&&") + "&RPage &P of &N")
    book.close()
    return buffer.getvalue()


RANKED_BLANKS = {  # what a blank means in the ranked table: need not estimated, or no service for the group
    **dict.fromkeys(
        ("unmet_need", "unmet_need_lower_95", "unmet_need_upper_95", "estimated_need", "reach_pct_of_need"), NOT_ESTIMATED
    ),
    "nearest_service": "no registered service takes this group",
}


def sheet_tables(analysis: GapAnalysis) -> dict[str, tuple[str, pl.DataFrame, tuple[Column, ...], dict[str, str]]]:
    """The one table of each table sheet: (title, rows, columns, what a blank in a column means)."""
    register = _readable(analysis.register).join(analysis.risks.select("service_id", "risk"), on="service_id", how="left")
    return {
        "Gaps ranked": (
            f"Every ward and client group, largest unmet need first (gap threshold "
            f"{analysis.assumptions.reach_gap_pct:g}% of need reached)",
            _readable(analysis.gaps_and_rest),
            columns.COVERAGE,
            RANKED_BLANKS,
        ),
        "IDVA and MARAC": ("IDVA and MARAC administrator capacity against SafeLives' guide", analysis.idva, columns.IDVA, {}),
        "Places and referrals": (
            "Places against referrals, per service (whole service)",
            _readable(analysis.capacity),
            columns.CAPACITY,
            {},
        ),
        "Service outcomes": (
            "How support ended, per service (referrals received in the period)",
            _readable(analysis.outcomes),
            columns.OUTCOMES,
            {},
        ),
        "Service register": (
            f"Services serving {analysis.area}",
            register,
            (*columns.REGISTER, Column("risk", "Risk")),
            {"risk": ""},
        ),
        "Indicators": (f"Indicators for {analysis.area}, {analysis.period.label}", analysis.indicators, columns.INDICATORS, {}),
        "Benchmarks": ("Against published benchmarks", analysis.benchmarks, columns.BENCHMARKS, {}),
    }


def _readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Service types in words, never as codes."""
    if "service_type" in frame.columns:
        frame = frame.with_columns(pl.col("service_type").str.replace_all("_", " "))
    return frame
