"""The What-if sheet of the gap-analysis workbook (a scenario's changes and its figures against today's), and the
sheet that holds the scenario file as given."""

from __future__ import annotations

import polars as pl

from metrics.export.columns import Column
from metrics.export.workbook_cells import SheetWriter
from metrics.scenario import Scenario
from metrics.service_gaps import GapAnalysis

WHAT_IF_SHEET, SCENARIO_SHEET = "What-if", "Scenario file"


def scenario_of(what_if: GapAnalysis) -> Scenario:
    """The scenario a what-if analysis was made from (an analysis of today has none)."""
    if what_if.scenario is None:
        raise ValueError("a what-if analysis is made from a scenario, and this one has none")
    return what_if.scenario


def write_what_if(writer: SheetWriter, sheet, today: GapAnalysis, scenario: GapAnalysis) -> None:
    """The scenario's changes, its figures against today's, and the scenario itself as given."""
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 3, 18)
    sheet.write(0, 0, f"What-if: {scenario_of(scenario).name}", writer.title)
    row = 2
    sheet.write(row, 0, "The changes", writer.heading)
    changes = scenario_of(scenario).describe()
    for offset, line in enumerate(changes, start=1):
        sheet.write(row + offset, 0, line)
    row += len(changes) + 2
    sheet.write(row, 0, "Capacity: today against the scenario", writer.heading)
    for index, header in enumerate(["Figure", "Today", "With the scenario", "Change"]):
        sheet.write(row + 1, index, header, writer.header)
    now, then = today.idva_area or {}, scenario.idva_area or {}
    figures = [
        ("IDVA FTE registered", "idva_fte"),
        ("IDVA shortfall for the MARAC cases expected (FTE)", "fte_gap"),
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
    counts = [
        ("Ward and client group gaps", lambda analysis: int(analysis.coverage["is_gap"].sum())),
        ("Wards and groups with no service", lambda analysis: int(analysis.coverage["has_no_service"].sum())),
        (
            "Unmet need shown, all wards and groups (people)",
            lambda analysis: int(analysis.coverage["unmet_need"].fill_null(0).sum()),
        ),
    ]
    for label, measure in counts:
        before, after = measure(today), measure(scenario)
        sheet.write_string(offset, 0, label)
        sheet.write_number(offset, 1, before, writer.number("#,##0"))
        sheet.write_number(offset, 2, after, writer.number("#,##0"))
        sheet.write_number(offset, 3, after - before, writer.number("+#,##0;-#,##0;0"))
        offset += 1
    row = offset + 1
    changed = _changed_cells(today, scenario)
    row = writer.table(
        sheet,
        row,
        "Wards and client groups the scenario changes",
        changed,
        (
            Column("ward_name", "Ward"),
            Column("group_label", "Client group"),
            Column("services_today", "Services today", number_format="0"),
            Column("n_services", "Services with the scenario", number_format="0"),
            Column("added_places", "Places added in the period", number_format="#,##0"),
            Column("unmet_today", "Unmet need today (people)", "unmet_need_suppressed", "#,##0"),
            Column("unmet_need", "Unmet need with the scenario (people)", "unmet_need_suppressed", "#,##0"),
            Column("gap_today", "Gap today"),
            Column("gap_reason", "Gap with the scenario"),
        ),
        widths=False,
        filtered=True,
    )
    sheet.write(row, 0, f"The scenario file as given is on the '{SCENARIO_SHEET}' sheet (and in the export log).")


def write_scenario_file(writer: SheetWriter, sheet, scenario: Scenario) -> None:
    """The scenario as YAML, one line a row, so it can be copied out and run again."""
    sheet.set_column(0, 0, 100)
    sheet.write(0, 0, "The what-if scenario as given (YAML for oversight whatif --scenario)", writer.title)
    for row, line in enumerate(scenario.to_yaml().splitlines(), start=2):
        sheet.write_string(row, 0, line)


def _changed_cells(today: GapAnalysis, scenario: GapAnalysis) -> pl.DataFrame:
    keys = ["ward_code", "client_group"]
    before = today.coverage.select(*keys, services_today="n_services", unmet_today="unmet_need", gap_today="gap_reason")
    joined = scenario.coverage.join(before, on=keys, how="left")
    return joined.filter(
        (pl.col("n_services") != pl.col("services_today"))
        | (pl.col("added_places") > 0)
        | (pl.col("gap_reason") != pl.col("gap_today"))
    ).sort(pl.col("added_places"), descending=True)
