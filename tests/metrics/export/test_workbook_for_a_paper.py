"""The gap-analysis workbook as a commissioner takes it into a paper, on the sample district: it leads with the
largest gaps in people, the services at risk and both IDVA figures; it has charts, print set-up, filters and no
codes; and a what-if scenario moves the IDVA gap by exactly the time it adds, saved and logged with the export."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from etl.contract.extracts import BY_NAME
from etl.contract.values import ClientGroup
from metrics.audit import read_exports
from metrics.compute import default_period
from metrics.disclosure import Audience, rule_for
from metrics.export.gap_analysis import SHEETS, build_gap_analysis
from metrics.export.gap_what_if import SCENARIO_SHEET, WHAT_IF_SHEET
from metrics.registry import all_indicators
from metrics.scenario import read_scenario
from metrics.service_gaps import gap_analysis
from oversight.cli import app as cli
from oversight.settings import Settings

GENERATED_AT, DATA_AS_AT = datetime(2026, 12, 4, 9, 30), datetime(2026, 12, 4, 2, 15)
NORTH = ["Hallowmoor", "Oakenrigg", "Kestrel Edge"]
SCENARIO = f"""
name: Two more IDVAs in the north
changes:
  - kind: add_idva_fte
    fte: 2
    wards: {NORTH}
  - kind: extend_service
    service: Men's Support Service
    wards: {NORTH}
    add_places_a_year: 30
"""
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


@pytest.fixture(scope="module")
def workbook(sample_warehouse):
    rule = rule_for(Audience.COMMISSIONER, Settings())
    content = build_gap_analysis(
        sample_warehouse,
        period=default_period(sample_warehouse),
        rule=rule,
        generated_at=GENERATED_AT,
        data_as_at=DATA_AS_AT,
        scenario=read_scenario(SCENARIO),
    )
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.fixture(scope="module")
def analysis(sample_warehouse):
    return gap_analysis(sample_warehouse, default_period(sample_warehouse), rule_for(Audience.COMMISSIONER, Settings()))


def summary_lines(book) -> list[str]:
    return [row[0] for row in book["Summary"].iter_rows(values_only=True, max_col=1) if row[0]]


def test_the_first_lines_name_the_biggest_gaps_the_risks_and_both_idva_figures(workbook, analysis):
    lines = summary_lines(workbook)
    assert lines[2] == "In brief"
    brief = lines[3 : lines.index("The largest gaps, in people")]
    biggest = analysis.top_gaps(1).row(0, named=True)
    assert brief[0].startswith(
        f"{biggest['ward_name']}, {biggest['group_label']}: about {biggest['unmet_need']:,} people not reached (95% interval"
    )
    men = next(line for line in brief if line.startswith("Men's Support Service: contract ends on 31 December 2026"))
    assert int(re.search(r"referrals at (\d+)% of its places", men).group(1)) > 250
    idva = analysis.idva_area
    idva_line = next(line for line in brief if "full-time IDVAs registered" in line)
    assert f"for the {idva['expected_marac_cases']:,.0f} MARAC cases expected (shortfall {idva['fte_gap']:.2f} FTE)" in idva_line
    assert f"for the {idva['n_marac_cases']:,} cases MARAC heard (shortfall " in idva_line
    # the sample district: MARAC hears more than SafeLives expects, so the shortfall for cases heard is the larger
    assert idva["fte_gap_for_cases_heard"] > idva["fte_gap"] > 0


def test_the_gaps_are_ranked_by_people_and_no_cell_contradicts_itself(workbook, analysis):
    unmet = analysis.gaps["unmet_need"].drop_nulls().to_list()
    assert unmet == sorted(unmet, reverse=True)
    rows = list(workbook["Gaps ranked"].iter_rows(min_row=3, values_only=True))
    header = [cell.value for cell in workbook["Gaps ranked"][2]]
    column = header.index("Unmet need (people)")
    ranked = [row[column] for row in rows if isinstance(row[column], int) and row[header.index("Gap")]]
    assert ranked == sorted(ranked, reverse=True)
    no_service = analysis.coverage.filter(pl.col("has_no_service"))
    assert (no_service["n_services"] == 0).all()  # "no service" is only ever said where none takes the group
    assert not analysis.coverage.filter(pl.col("is_gap") & (pl.col("gap_reason") == "")).height


def test_the_workbook_has_charts_print_titles_and_autofilters(workbook):
    assert workbook.sheetnames == [SHEETS[0], WHAT_IF_SHEET, *SHEETS[1:], SCENARIO_SHEET]
    assert len(workbook["Summary"]._charts) == 1 and len(workbook["IDVA and MARAC"]._charts) == 1
    for name in (
        "Gaps ranked",
        "IDVA and MARAC",
        "Places and referrals",
        "Service outcomes",
        "Service register",
        "Indicators",
        "Benchmarks",
        WHAT_IF_SHEET,
    ):
        sheet = workbook[name]
        assert sheet.auto_filter.ref, name
        assert sheet.print_title_rows, name
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0, sheet.title


def test_the_coverage_grid_has_numbers_and_colour(workbook):
    sheet = workbook["Coverage"]
    assert sheet.conditional_formatting  # colour scales on the grids of numbers
    first_block = [row[2:] for row in sheet.iter_rows(min_row=3, max_row=32, values_only=True)]
    assert sum(isinstance(value, int) for row in first_block for value in row) > 200


def test_no_cell_holds_a_raw_code(workbook):
    codes = (
        {group.value for group in ClientGroup}
        | set(BY_NAME)
        | {indicator.id for indicator in all_indicators()}
        | {"perpetrator_programme", "idva", "refuge", "outreach", "helpline", "counselling", "children", "legal"}
    )
    codes -= {"women", "men", "children"}  # plain words as well as codes
    offenders = []
    for sheet in workbook.worksheets:
        if sheet.title == SCENARIO_SHEET:
            continue  # the scenario file as given, kept verbatim so it can be run again
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str) and (SNAKE_CASE.match(value.strip()) or value.strip() in codes):
                    offenders.append((sheet.title, value))
    assert offenders == []


def test_two_more_idva_fte_move_the_idva_gap_by_exactly_two(workbook):
    rows = {row[0]: row[1:4] for row in workbook[WHAT_IF_SHEET].iter_rows(values_only=True) if row[0]}
    registered = rows["IDVA FTE registered"]
    assert registered[2] == pytest.approx(2.0, abs=1e-9)
    for label in ("IDVA shortfall for the MARAC cases expected (FTE)", "IDVA shortfall for the MARAC cases heard (FTE)"):
        today, then, change = rows[label]
        assert change == pytest.approx(-2.0, abs=1e-9) and then - today == pytest.approx(-2.0, abs=1e-9)
    saved = "\n".join(row[0] for row in workbook[SCENARIO_SHEET].iter_rows(min_row=3, values_only=True) if row[0])
    assert read_scenario(saved) == read_scenario(SCENARIO)


def test_the_whatif_command_writes_the_workbook_and_logs_the_scenario(tmp_path, sample_warehouse_path):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "whatif.xlsx"
    result = CliRunner().invoke(
        cli, ["whatif", "--scenario", str(scenario), "--out", str(out), "--warehouse", str(sample_warehouse_path)]
    )
    assert result.exit_code == 0, result.output
    assert WHAT_IF_SHEET in openpyxl.load_workbook(out).sheetnames
    logged = read_exports(sample_warehouse_path)[-1]
    assert logged["export"] == "what-if workbook" and logged["file_name"] == str(out.resolve())
    assert read_scenario(logged["filters"]["scenario"]) == read_scenario(SCENARIO)


def test_the_whatif_command_explains_a_bad_scenario(tmp_path, sample_warehouse_path):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("changes:\n  - kind: remove_service\n    service: No Such Service\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["whatif", "--scenario", str(scenario), "--out", str(tmp_path / "x.xlsx"), "--warehouse", str(sample_warehouse_path)]
    )
    assert result.exit_code == 2
    assert "no service 'No Such Service'" in result.output
    assert not (tmp_path / "x.xlsx").exists()
