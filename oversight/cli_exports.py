"""`oversight export ...`: files for commissioning papers."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from oversight.cli_common import (
    WarehouseOption,
    app,
    console,
    print_error,
    warehouse_path,
)

if TYPE_CHECKING:
    from ui.board_pack.chromium import ChartSession

export_app = typer.Typer(help="Write exports for commissioning papers.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")


@export_app.command("gap-analysis")
def export_gap_analysis(
    out: Annotated[Path, typer.Option("--out", help="The .xlsx workbook to write (its folder must exist).")],
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code; default: the whole district).")] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (default: the latest 12 whole months)."),
    ] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period.")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Write the gap-analysis workbook: need against reach and capacity by ward and client group.

    Counts are protected by the commissioner disclosure rule, never unsuppressed. Exit code 2 when
    there is no warehouse, the ward is not known, the period is not valid or the file cannot be written.
    """
    from etl.errors import WarehouseMissing
    from metrics.audit import ExportRecord, record_export
    from metrics.export.gap_analysis import commissioner_workbook
    from metrics.periods import PeriodError
    from metrics.service_gaps import UnknownWard
    from metrics.warehouse import connect

    try:
        with connect(warehouse_path(warehouse)) as con:
            period = _chosen_period(con, start, end)
            workbook = commissioner_workbook(con, period=period, ward_code=ward)
        record_export(
            warehouse_path(warehouse),
            ExportRecord(
                user=_os_user(),
                role="command line",
                export="gap analysis workbook",
                file_name=str(out.resolve()),
                filters={"period": f"{period.label} ({period.start} to {period.end})", "ward": ward or "whole district"},
                channel="command line",
            ),
        )  # recorded first: no workbook leaves unrecorded
        out.write_bytes(workbook)
    except (WarehouseMissing, UnknownWard, PeriodError, OSError) as error:
        print_error("Cannot write the gap analysis", error)
        raise typer.Exit(2) from error
    console.print(f"Gap analysis for {ward or 'the whole district'}, {period.label}, written to {out}")


@app.command("whatif")
def whatif(
    scenario: Annotated[
        Path, typer.Option("--scenario", help="The scenario: a YAML file of changes to the service register (see the README).")
    ],
    out: Annotated[Path, typer.Option("--out", help="The .xlsx workbook to write (its folder must exist).")],
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code; default: the whole district).")] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (default: the latest 12 whole months)."),
    ] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period.")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Write the gap-analysis workbook with a What-if sheet: the scenario's gaps and capacity against today's.

    The scenario is saved in the workbook and recorded in the export log. Counts are protected by the
    commissioner disclosure rule. Exit code 2 when the scenario cannot be read or names an unknown service
    or ward, or for the same reasons as `oversight export gap-analysis`.
    """
    from etl.errors import WarehouseMissing
    from metrics.audit import ExportRecord, record_export
    from metrics.export.gap_analysis import commissioner_workbook
    from metrics.periods import PeriodError
    from metrics.scenario import ScenarioError, read_scenario
    from metrics.service_gaps import UnknownWard
    from metrics.warehouse import connect

    try:
        plan = read_scenario(scenario.read_text(encoding="utf-8"), source=str(scenario))
        with connect(warehouse_path(warehouse)) as con:
            period = _chosen_period(con, start, end)
            workbook = commissioner_workbook(con, period=period, ward_code=ward, scenario=plan)
        record_export(
            warehouse_path(warehouse),
            ExportRecord(
                user=_os_user(),
                role="command line",
                export="what-if workbook",
                file_name=str(out.resolve()),
                filters={
                    "period": f"{period.label} ({period.start} to {period.end})",
                    "ward": ward or "whole district",
                    "scenario": plan.to_yaml(),
                },
                channel="command line",
            ),
        )  # recorded first: no workbook leaves unrecorded
        out.write_bytes(workbook)
    except (WarehouseMissing, UnknownWard, PeriodError, ScenarioError, UnicodeDecodeError, OSError) as error:
        print_error("Cannot write the what-if workbook", error)
        raise typer.Exit(2) from error
    console.print(f"What-if '{plan.name}' for {ward or 'the whole district'}, {period.label}, written to {out}")


@app.command("board-pack")
def board_pack_command(
    out: Annotated[Path, typer.Option("--out", help="The file to write: .pdf for A4, .html for an intranet page.")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="2026 Q3, 2025/26, 2026 or 2026-09 (default: the latest quarter every source covers whole)."
        ),
    ] = None,
    compare: Annotated[
        str | None, typer.Option("--compare", help="The period to compare with (default: the one just before).")
    ] = None,
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code; default: the whole district).")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Write the quarterly board pack: cover, summary, scorecard, a page per priority, prevalence by ward,
    service gaps, attrition, data notes and glossary.

    Counts are protected by the board's disclosure rule, never unsuppressed. Exit code 2 when there is
    no warehouse, the period or ward is not known, charts cannot be drawn or the file cannot be written.
    """
    from ui.board_pack.chromium import ChartRendererMissing, ChartSession

    kind = out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html"):
        print_error("Cannot write the board pack", f"{out.name} must end in .pdf or .html")
        raise typer.Exit(2)
    # Chromium starts while the rest of the command loads and reads the numbers
    try:
        session = ChartSession()
    except ChartRendererMissing as error:
        print_error("Cannot write the board pack", error)
        raise typer.Exit(2) from error
    with session:
        _write_board_pack(session, kind, out, period=period, compare=compare, ward=ward, warehouse=warehouse)


def _write_board_pack(
    session: ChartSession,
    kind: str,
    out: Path,
    *,
    period: str | None,
    compare: str | None,
    ward: str | None,
    warehouse: Path | None,
) -> None:
    """The pack's numbers read, its charts drawn in `session`, typeset, recorded as an export and written to `out`."""
    from etl.errors import WarehouseMissing
    from metrics import completeness
    from metrics.audit import ExportRecord, record_export
    from metrics.board.pack import board_pack
    from metrics.board.period_text import latest_headline_quarter, parse_period, previous_period
    from metrics.disclosure import Audience, rule_for
    from metrics.periods import PeriodError
    from metrics.service_gaps import UnknownWard
    from metrics.warehouse import connect
    from oversight.settings import get_settings
    from ui.board_pack import pack_file
    from ui.board_pack.chromium import ChartRendererMissing

    try:
        with connect(warehouse_path(warehouse)) as con:
            latest = con.sql("select max(reported_on) from mart_incidents").fetchall()[0][0]
            chosen = parse_period(period) if period else latest_headline_quarter(completeness.read(con), latest)
            previous = parse_period(compare) if compare else previous_period(chosen)
            pack = board_pack(
                con, period=chosen, previous=previous, ward_code=ward, rule=rule_for(Audience.BOARD, get_settings())
            )
            content = pack_file(pack, kind, session=session)
        record_export(
            warehouse_path(warehouse),
            ExportRecord(
                user=_os_user(),
                role="command line",
                export=f"board pack ({kind})",
                file_name=str(out.resolve()),
                filters={
                    "period": f"{chosen.label} ({chosen.start} to {chosen.end})",
                    "compared with": f"{previous.label} ({previous.start} to {previous.end})",
                    "ward": ward or "whole district",
                },
                channel="command line",
            ),
        )  # recorded first: no pack leaves unrecorded
        out.write_bytes(content)
    except (WarehouseMissing, UnknownWard, PeriodError, ChartRendererMissing, OSError) as error:
        print_error("Cannot write the board pack", error)
        raise typer.Exit(2) from error
    console.print(f"Board pack for {pack.area}, {chosen.label} against {previous.label}, written to {out}")


def _chosen_period(con, start: datetime | None, end: datetime | None):
    """The period --from and --to give, each defaulting to its end of the latest 12 whole months."""
    from metrics.compute import default_period
    from metrics.periods import between

    period = default_period(con)
    if start or end:
        period = between(start.date() if start else period.start, end.date() if end else period.end)
    return period


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user with no name: the id still says who
        return f"uid {os.getuid()}"
