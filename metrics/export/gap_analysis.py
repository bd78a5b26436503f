"""The gap-analysis workbook for commissioning papers: need against reach and capacity, by ward and group.

It is written from the same `GapAnalysis` the Services page draws, so the workbook and the page
agree. Exports never carry unsuppressed counts: every count has passed disclosure control under
the board or commissioner rule, and a hidden value is written as `*`.

It is laid out to go straight into a paper: a Summary sheet that leads with the largest gaps in
people, the services at risk and both IDVA figures, with a chart; a coloured Coverage grid of real
numbers; one filterable table per sheet with its header repeated on every printed page; landscape
pages fitted to the width; and, when a what-if scenario is given, a What-if sheet setting the
scenario against today with the scenario itself saved beside it. Charts and formats are
xlsxwriter's own.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import duckdb
import polars as pl
import xlsxwriter

from etl.contract.extracts import BY_NAME
from metrics.aggregate import query_sql
from metrics.coverage import Assumptions
from metrics.disclosure import SUPPRESSED_TEXT, Audience, DisclosureError, DisclosureRule, rule_for
from metrics.export import columns
from metrics.export.columns import Column
from metrics.gap_summary import gap_size_words, summary
from metrics.periods import Period
from metrics.registry import get
from metrics.scenario import Scenario
from metrics.service_gaps import GROUP_SHORT_LABELS, GapAnalysis, gap_analysis
from oversight.settings import get_settings

SHEETS = ("Summary", "Coverage", "Gaps ranked", "IDVA and MARAC", "Places and referrals", "Service outcomes",
          "Service register", "Indicators", "Benchmarks", "Metadata")
WHAT_IF_SHEET, SCENARIO_SHEET = "What-if", "Scenario file"
NO_SERVICE, LOW_REACH = "no service", "low reach"
NOT_ESTIMATED = "not estimated"
CHART_GAPS = 10  # the Summary's chart shows this many of the largest gaps
# The Coverage sheet: one ward x client group block per measure, each under its title (colour: a scale or none).
COVERAGE_BLOCKS = (
    ("Unmet need (people): estimated need less people whose support started; darker is larger", "unmet_need",
     "unmet_need_suppressed", "unmet"),
    ("People reached as % of estimated need; darker is lower", "reach_pct_of_need", "reach_pct_of_need_suppressed", "reach"),
    ("Estimated need (people)", "estimated_need", "estimated_need_suppressed", None),
    ("People whose support started in the period", "people_reached", "people_reached_suppressed", None),
    ("Specialist services taking the group", "n_services", None, "services"),
    (f"Gaps: '{NO_SERVICE}' = no service takes the group in the ward; '{LOW_REACH}' = support started for fewer "
     "than the gap threshold's share of the estimated need", "gap", None, None),
)
NOT_SHOWN = f"{SUPPRESSED_TEXT} = not shown: too few people to show safely"
LIGHT, DARK, MIDDLE = "#F7F7F7", "#801650", "#F4B6C8"  # the colour module's pinks, for the printed grid


def build_gap_analysis(con: duckdb.DuckDBPyConnection, *, period: Period, ward_code: str | None = None,
                       rule: DisclosureRule, generated_at: datetime, data_as_at: datetime | None,
                       assumptions: Assumptions | None = None, scenario: Scenario | None = None) -> bytes:
    """The .xlsx bytes of the gap analysis for `period` and the district (or the ward `ward_code`); with a
    `scenario`, a What-if sheet sets its figures against today's and records the scenario."""
    if rule.is_identity:
        raise DisclosureError("exports always use the board or commissioner disclosure rule, never unsuppressed counts")
    assumptions = assumptions or Assumptions.from_settings(get_settings())
    analysis = gap_analysis(con, period, rule, ward_code=ward_code, assumptions=assumptions)
    what_if = None if scenario is None else gap_analysis(con, period, rule, ward_code=ward_code, assumptions=assumptions,
                                                         scenario=scenario, data_date=analysis.data_date)
    extracts = con.sql(query_sql("gap_analysis_extracts")).pl()
    return write_workbook(analysis, extracts=extracts, generated_at=generated_at, data_as_at=data_as_at, what_if=what_if)


def commissioner_workbook(con: duckdb.DuckDBPyConnection, *, period: Period, ward_code: str | None = None,
                          scenario: Scenario | None = None) -> bytes:
    """The workbook under the commissioner rule from the settings, whoever asks for it, built now."""
    settings = get_settings()
    return build_gap_analysis(con, period=period, ward_code=ward_code, rule=rule_for(Audience.COMMISSIONER, settings),
                              generated_at=datetime.now(), data_as_at=data_as_at(con),
                              assumptions=Assumptions.from_settings(settings), scenario=scenario)


def data_as_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the last refresh of the warehouse finished."""
    return con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]


def write_workbook(analysis: GapAnalysis, *, extracts: pl.DataFrame, generated_at: datetime,
                   data_as_at: datetime | None, what_if: GapAnalysis | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"title": f"Gap analysis: {analysis.area}, {analysis.period.label}", "author": "Oversight",
                         "comments": "" if what_if is None else _scenario_of(what_if).to_yaml()})
    writer = _Writer(book)
    names = list(SHEETS)
    if what_if is not None:
        names[1:1] = [WHAT_IF_SHEET]
        names.append(SCENARIO_SHEET)
    sheets = {name: book.add_worksheet(name) for name in names}
    _summary(writer, sheets["Summary"], analysis, data_as_at)
    if what_if is not None:
        _what_if(writer, sheets[WHAT_IF_SHEET], analysis, what_if)
        _scenario_file(writer, sheets[SCENARIO_SHEET], _scenario_of(what_if))
    _coverage(writer, sheets["Coverage"], analysis)
    for name, (title, frame, spec, blanks) in sheet_tables(analysis).items():
        row = writer.table(sheets[name], 0, title, frame, spec, filtered=True, blanks=blanks)
        if name == "IDVA and MARAC":
            _idva_chart(writer, sheets[name], analysis, row)
    _metadata(writer, sheets["Metadata"], analysis, extracts, generated_at, data_as_at, what_if)
    for sheet in sheets.values():
        sheet.hide_gridlines(2)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it needs
        sheet.set_footer("&L" + f"Gap analysis: {analysis.area}, {analysis.period.label}".replace("&", "&&") + "&RPage &P of &N")
    book.close()
    return buffer.getvalue()


RANKED_BLANKS = {  # what a blank means in the ranked table: need not estimated, or no service for the group
    **dict.fromkeys(("unmet_need", "unmet_need_lower_95", "unmet_need_upper_95", "estimated_need", "reach_pct_of_need"),
                    NOT_ESTIMATED),
    "nearest_service": "no registered service takes this group",
}


def sheet_tables(analysis: GapAnalysis) -> dict[str, tuple[str, pl.DataFrame, tuple[Column, ...], dict[str, str]]]:
    """The one table of each table sheet: (title, rows, columns, what a blank in a column means)."""
    register = _readable(analysis.register).join(analysis.risks.select("service_id", "risk"), on="service_id", how="left")
    return {
        "Gaps ranked": (f"Every ward and client group, largest unmet need first (gap threshold "
                        f"{analysis.assumptions.reach_gap_pct:g}% of need reached)", _readable(analysis.gaps_and_rest),
                        columns.COVERAGE, RANKED_BLANKS),
        "IDVA and MARAC": ("IDVA and MARAC administrator capacity against SafeLives' guide", analysis.idva, columns.IDVA, {}),
        "Places and referrals": ("Places against referrals, per service (whole service)", _readable(analysis.capacity),
                                 columns.CAPACITY, {}),
        "Service outcomes": ("How support ended, per service (referrals received in the period)",
                             _readable(analysis.outcomes), columns.OUTCOMES, {}),
        "Service register": (f"Services serving {analysis.area}", register, (*columns.REGISTER, Column("risk", "Risk")),
                             {"risk": ""}),
        "Indicators": (f"Indicators for {analysis.area}, {analysis.period.label}", analysis.indicators,
                       columns.INDICATORS, {}),
        "Benchmarks": ("Against published benchmarks", analysis.benchmarks, columns.BENCHMARKS, {}),
    }


def _scenario_of(what_if: GapAnalysis) -> Scenario:
    if what_if.scenario is None:
        raise ValueError("a what-if analysis is made from a scenario, and this one has none")
    return what_if.scenario


def cells_as_written(frame: pl.DataFrame, spec: tuple[Column, ...], blanks: dict[str, str] | None = None) -> list[list]:
    """A table's cells as the workbook writes them: `*` where hidden, and a blank that means something in words."""
    body = columns.cells(frame, spec)
    blanks = blanks or {}
    for values in body:
        for index, column in enumerate(spec):
            if values[index] is None and column.name in blanks:
                values[index] = blanks[column.name]
    return body


class _Writer:
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

    def table(self, sheet, row: int, title: str, frame: pl.DataFrame, spec: tuple[Column, ...], *,
              widths: bool = True, filtered: bool = False, blanks: dict[str, str] | None = None) -> int:
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

    def cell(self, sheet, row: int, column: int, value: object, number_format: str | None = None,
             cell_format: object | None = None) -> None:
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


def _readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Service types in words, never as codes."""
    if "service_type" in frame.columns:
        frame = frame.with_columns(pl.col("service_type").str.replace_all("_", " "))
    return frame


def _summary(writer: _Writer, sheet, analysis: GapAnalysis, data_as_at: datetime | None) -> None:
    sheet.set_column(0, 0, 150)
    sheet.write(0, 0, f"Gap analysis: {analysis.area}, {analysis.period.label}", writer.title)
    sheet.write(1, 0, f"Period {analysis.period.start:%d %B %Y} to {analysis.period.end:%d %B %Y}; data as at "
                      f"{_when(data_as_at)}. {NOT_SHOWN}. A gap: {analysis.assumptions.stated()[0][1]}. Need, reach "
                      "and capacity are explained on the Metadata sheet.", writer.text)
    row = 3
    for heading, lines in summary(analysis).items():
        sheet.write(row, 0, heading, writer.heading)
        for offset, line in enumerate(lines, start=1):
            sheet.write(row + offset, 0, line, writer.lead if heading == "In brief" else writer.text)
        row += len(lines) + 2
    _top_gaps_chart(writer, sheet, analysis, row)


def _top_gaps_chart(writer: _Writer, sheet, analysis: GapAnalysis, row: int) -> None:
    """A bar chart of the largest gaps in people with their 95% limits, above the little table it is drawn from."""
    top = analysis.top_gaps(CHART_GAPS)
    if top.is_empty():
        return
    data_row = row + 22
    sheet.write(data_row, 0, "The chart's figures: the largest gaps in people", writer.heading)
    sheet.set_column(1, 3, 14)
    for index, header in enumerate(["Ward and client group", "Unmet need (people)", "Lower 95% limit", "Upper 95% limit"]):
        sheet.write(data_row + 1, index, header, writer.header)
    for offset, gap in enumerate(top.iter_rows(named=True), start=data_row + 2):
        sheet.write_string(offset, 0, f"{gap['ward_name']}: {gap['group_label']}")
        for index, name in enumerate(("unmet_need", "unmet_need_lower_95", "unmet_need_upper_95"), start=1):
            writer.cell(sheet, offset, index, gap[name], "#,##0")
    first, last = data_row + 2, data_row + 1 + top.height
    plus = [(upper or value) - value for value, upper in zip(top["unmet_need"], top["unmet_need_upper_95"], strict=True)]
    minus = [value - (lower or value) for value, lower in zip(top["unmet_need"], top["unmet_need_lower_95"], strict=True)]
    chart = writer.book.add_chart({"type": "bar"})
    chart.add_series({
        "name": "Unmet need (people)", "categories": ["Summary", first, 0, last, 0], "values": ["Summary", first, 1, last, 1],
        "fill": {"color": DARK}, "data_labels": {"value": True, "num_format": "#,##0"},
        "x_error_bars": {"type": "custom", "plus_values": plus, "minus_values": minus},
    })
    chart.set_title({"name": f"The {top.height} largest gaps: people with estimated need not reached, with 95% limits"})
    chart.set_x_axis({"name": "People", "num_format": "#,##0", "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 960, "height": 420})
    sheet.insert_chart(row + 1, 0, chart)


def _idva_chart(writer: _Writer, sheet, analysis: GapAnalysis, row: int) -> None:
    """IDVA time for the area: registered against what the guide needs for the cases expected and the cases heard."""
    area = analysis.idva_area
    if area is None:
        return
    sheet.write(row, 0, "The chart's figures: IDVA full-time equivalents for the area", writer.heading)
    figures = [("Registered", area["idva_fte"]), ("Needed for the MARAC cases expected", area["idva_fte_needed"]),
               ("Needed for the MARAC cases heard", area["idva_fte_needed_for_cases_heard"])]
    figures = [(name, value) for name, value in figures if value is not None]
    for offset, (name, value) in enumerate(figures, start=row + 1):
        sheet.write_string(offset, 0, name)
        sheet.write_number(offset, 1, value, writer.number("0.00"))
    chart = writer.book.add_chart({"type": "bar"})
    chart.add_series({"name": "IDVA FTE", "categories": [sheet.name, row + 1, 0, row + len(figures), 0],
                      "values": [sheet.name, row + 1, 1, row + len(figures), 1], "fill": {"color": "#12436D"},
                      "data_labels": {"value": True, "num_format": "0.0"}})
    chart.set_title({"name": f"IDVA time for {analysis.area}: registered and needed (SafeLives' guide)"})
    chart.set_x_axis({"name": "Full-time equivalents", "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 280})
    sheet.insert_chart(row + len(figures) + 2, 0, chart)


def _coverage(writer: _Writer, sheet, analysis: GapAnalysis) -> None:
    coverage = analysis.coverage.with_columns(
        gap=pl.when(pl.col("has_no_service")).then(pl.lit(NO_SERVICE))
        .when(pl.col("has_low_reach")).then(pl.lit(LOW_REACH)).otherwise(pl.lit("")))
    groups = [group for group in GROUP_SHORT_LABELS if group in set(coverage["client_group"])]
    wards = coverage.select("ward_code", "ward_name").unique(maintain_order=True).rows()
    cells = {(row["ward_code"], row["client_group"]): row for row in coverage.iter_rows(named=True)}
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 1 + len(groups), 13)
    scales = {
        "unmet": {"type": "2_color_scale", "min_color": LIGHT, "max_color": "#D7709A"},
        "reach": {"type": "2_color_scale", "min_color": "#D7709A", "max_color": LIGHT},
        "services": {"type": "2_color_scale", "min_color": MIDDLE, "max_color": LIGHT},
    }
    row = 0
    for title, name, flag, scale in COVERAGE_BLOCKS:
        sheet.write(row, 0, title, writer.heading)
        for index, header in enumerate(["Ward code", "Ward", *(GROUP_SHORT_LABELS[group] for group in groups)]):
            sheet.write(row + 1, index, header, writer.header)
        for offset, (ward_code, ward_name) in enumerate(wards, start=row + 2):
            sheet.write_string(offset, 0, ward_code)
            sheet.write_string(offset, 1, ward_name)
            for index, group in enumerate(groups, start=2):
                entry = cells[(ward_code, group)]
                value = entry[name]
                if flag and entry[flag] and value is None:
                    value = SUPPRESSED_TEXT
                elif value is None and name in ("unmet_need", "reach_pct_of_need", "estimated_need"):
                    value = NOT_ESTIMATED  # no population figures for the group: said, never a blank
                if name == "gap":
                    if value:
                        sheet.write_string(offset, index, value, writer.gap)
                else:
                    writer.cell(sheet, offset, index, value, "0.0" if name.endswith("_pct_of_need") else "#,##0")
        if scale and wards and groups:
            sheet.conditional_format(row + 2, 2, row + 1 + len(wards), 1 + len(groups), scales[scale])
        row += len(wards) + 3
    sheet.write(row, 0, f"{NOT_SHOWN}. '{NOT_ESTIMATED}': need is not estimated for the group (no population figures).")
    sheet.repeat_rows(1)
    sheet.freeze_panes(2, 2)


def _what_if(writer: _Writer, sheet, today: GapAnalysis, scenario: GapAnalysis) -> None:
    """The scenario's changes, its figures against today's, and the scenario itself as given."""
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 3, 18)
    sheet.write(0, 0, f"What-if: {_scenario_of(scenario).name}", writer.title)
    row = 2
    sheet.write(row, 0, "The changes", writer.heading)
    changes = _scenario_of(scenario).describe()
    for offset, line in enumerate(changes, start=1):
        sheet.write(row + offset, 0, line)
    row += len(changes) + 2
    sheet.write(row, 0, "Capacity: today against the scenario", writer.heading)
    for index, header in enumerate(["Figure", "Today", "With the scenario", "Change"]):
        sheet.write(row + 1, index, header, writer.header)
    now, then = today.idva_area or {}, scenario.idva_area or {}
    figures = [
        ("IDVA FTE registered", "idva_fte"), ("IDVA shortfall for the MARAC cases expected (FTE)", "fte_gap"),
        ("IDVA shortfall for the MARAC cases heard (FTE)", "fte_gap_for_cases_heard"),
    ]
    offset = row + 2
    for label, name in figures:
        before, after = now.get(name), then.get(name)
        sheet.write_string(offset, 0, label)
        writer.cell(sheet, offset, 1, before, "0.00")
        writer.cell(sheet, offset, 2, after, "0.00")
        if before is not None and after is not None:
            sheet.write_number(offset, 3, round(after - before, 2), writer.number("+0.00;-0.00;0.00"))
        offset += 1
    counts = [("Ward and client group gaps", lambda analysis: int(analysis.coverage["is_gap"].sum())),
              ("Wards and groups with no service", lambda analysis: int(analysis.coverage["has_no_service"].sum())),
              ("Unmet need shown, all wards and groups (people)",
               lambda analysis: int(analysis.coverage["unmet_need"].fill_null(0).sum()))]
    for label, measure in counts:
        before, after = measure(today), measure(scenario)
        sheet.write_string(offset, 0, label)
        sheet.write_number(offset, 1, before, writer.number("#,##0"))
        sheet.write_number(offset, 2, after, writer.number("#,##0"))
        sheet.write_number(offset, 3, after - before, writer.number("+#,##0;-#,##0;0"))
        offset += 1
    row = offset + 1
    changed = _changed_cells(today, scenario)
    row = writer.table(sheet, row, "Wards and client groups the scenario changes", changed, (
        Column("ward_name", "Ward"), Column("group_label", "Client group"),
        Column("services_today", "Services today", number_format="0"), Column("n_services", "Services with the scenario", number_format="0"),
        Column("added_places", "Places added in the period", number_format="#,##0"),
        Column("unmet_today", "Unmet need today (people)", "unmet_need_suppressed", "#,##0"),
        Column("unmet_need", "Unmet need with the scenario (people)", "unmet_need_suppressed", "#,##0"),
        Column("gap_today", "Gap today"), Column("gap_reason", "Gap with the scenario")), widths=False, filtered=True)
    sheet.write(row, 0, f"The scenario file as given is on the '{SCENARIO_SHEET}' sheet (and in the export log).")


def _scenario_file(writer: _Writer, sheet, scenario: Scenario) -> None:
    """The scenario as YAML, one line a row, so it can be copied out and run again."""
    sheet.set_column(0, 0, 100)
    sheet.write(0, 0, "The what-if scenario as given (YAML for oversight whatif --scenario)", writer.title)
    for row, line in enumerate(scenario.to_yaml().splitlines(), start=2):
        sheet.write_string(row, 0, line)


def _changed_cells(today: GapAnalysis, scenario: GapAnalysis) -> pl.DataFrame:
    keys = ["ward_code", "client_group"]
    before = today.coverage.select(*keys, services_today="n_services", unmet_today="unmet_need", gap_today="gap_reason")
    joined = scenario.coverage.join(before, on=keys, how="left")
    return joined.filter((pl.col("n_services") != pl.col("services_today")) | (pl.col("added_places") > 0)
                         | (pl.col("gap_reason") != pl.col("gap_today"))).sort(pl.col("added_places"), descending=True)


def _metadata(writer: _Writer, sheet, analysis: GapAnalysis, extracts: pl.DataFrame, generated_at: datetime,
              data_as_at: datetime | None, what_if: GapAnalysis | None) -> None:
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
                           "(residents x last-year rate for their sex and age band, and any further breakdown the "
                           "rates loaded carry, x years). Children: children present at police incidents. "
                           "Perpetrators: known perpetrators of police incidents. LGBT+ and disabled victims: not "
                           "estimated (no population figures held)."),
        ("Unmet need", "Published estimated need less published people whose support started (less places a "
                       "scenario adds), never below 0; where reach is too small to show it is taken as none. Its 95% "
                       "limits are the need's (exact Poisson below 10, Byar's from 10) less the same: chance variation "
                       "in the victims a population of this size gives, not the survey's own sampling error."),
        ("Places (capacity)", "Each service's registered places a year times the years in the period, split over the "
                              "wards it serves in proportion to the residents it is for; counted in full for each group."),
        ("Nearest service that could extend", "A service taking the group that already serves the ward (of several, "
                                              "the one with most room; a helpline last), else the one whose nearest "
                                              "served ward is closest, between ward centroids."),
        *analysis.assumptions.stated(),
        ("Data date for contract risk", "not known" if analysis.data_date is None else f"{analysis.data_date:%d %B %Y}"),
    ]
    if what_if is not None:
        facts.append(("What-if scenario", f"{_scenario_of(what_if).name}: " + "; ".join(_scenario_of(what_if).describe())
                      + ". The scenario as given is on the What-if sheet."))
    sheet.write(0, 0, "About this workbook", writer.title)
    for row, (name, value) in enumerate(facts, start=1):
        sheet.write_string(row, 0, name, writer.header)
        sheet.write_string(row, 1, value, writer.text)
    row = len(facts) + 2
    bases = analysis.coverage.select("group_label", "need_basis").unique(maintain_order=True)
    row = writer.table(sheet, row, "How need is estimated for each client group", bases, (
        Column("group_label", "Client group"), Column("need_basis", "How need is estimated")), widths=False)
    extract_rows = extracts.with_columns(pl.col("last_loaded_at", "latest_event_at").dt.strftime("%Y-%m-%d %H:%M"),
                                         extract=pl.col("extract").map_elements(_extract_title, return_dtype=pl.String))
    row = writer.table(sheet, row, "Extracts in the warehouse", extract_rows, (
        Column("extract", "Extract"), Column("file_names", "Files"), Column("last_loaded_at", "Last loaded"),
        Column("latest_event_at", "Latest event held")), widths=False)
    definitions = pl.DataFrame([_definition(indicator_id) for indicator_id in analysis.indicators["indicator_id"]],
                               schema={name: pl.String for name in ("title", "description", "unit", "numerator",
                                                                    "denominator", "method", "benchmarks", "sources", "notes")})
    writer.table(sheet, row, "Definitions of the indicators used", definitions, tuple(
        Column(name, name.capitalize()) for name in definitions.columns), widths=False)


def _extract_title(name: str) -> str:
    """The contract's title for an extract (declared once with its model), else its name in words."""
    model = BY_NAME.get(name)
    if model is not None:
        return model.title
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def _definition(indicator_id: str) -> dict[str, str]:
    indicator = get(indicator_id)
    return {name: _in_words(text) for name, text in _definition_text(indicator).items()}


def _in_words(text: str) -> str:
    """Names of extracts and columns (`prevalence_rates`) in words, so no cell shows a code."""
    return re.sub(r"`?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b`?", lambda match: match.group(1).replace("_", " "), text)


def _definition_text(indicator) -> dict[str, str]:
    return {"title": indicator.title, "description": indicator.description, "unit": indicator.unit,
            "numerator": indicator.numerator, "denominator": indicator.denominator, "method": indicator.ci_method,
            "benchmarks": "; ".join(f"{item.label}: {item.value:g} ({item.source})" for item in indicator.benchmarks),
            "sources": ", ".join(source.replace("_", " ") for source in indicator.source_extracts), "notes": indicator.notes}


def _when(moment: datetime | None) -> str:
    return "not known" if moment is None else f"{moment:%d %B %Y, %H:%M}"
