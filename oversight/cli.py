"""`oversight`: the product's jobs as subcommands of one command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oversight.settings import PROJECT_ROOT, get_settings

# Locals are never printed with a traceback: they may hold rows about people.
app = typer.Typer(
    help="Oversight: analytics for Domestic and Sexual Violence Boards.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console()
error_console = Console(stderr=True)

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="Warehouse folder (default: setting OVERSIGHT_WAREHOUSE, else data/warehouse)."),
]


def _warehouse(path: Path | None) -> Path:
    return path if path is not None else get_settings().warehouse


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the sample drop into (created if missing).")] = Path("data/sample/drop"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 20261126,
    years: Annotated[int, typer.Option("--years", min=1, help="Years of history to generate.")] = 6,
    scale: Annotated[float, typer.Option("--scale", min=0.001, help="Multiplies residents and every volume; 100 gives national-scale files.")] = 1.0,
) -> None:
    """Generate the fictional sample district as a drop folder."""
    from etl.sample import generate_sample

    summary = generate_sample(out, seed=seed, years=years, scale=scale)
    table = Table("file", "rows", title=f"Sample district written to {out}")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)


@app.command()
def refresh(
    incoming: Annotated[Path | None, typer.Option("--incoming", help="The drop folder to load (default: setting OVERSIGHT_INCOMING).")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Load a nightly drop into a new warehouse version and publish it atomically.

    Exit code 0: loaded (rejected rows, if any, are reported and kept in `rejects`);
    1: one or more files were refused; 2: the refresh failed and nothing was published;
    the last good warehouse keeps serving in both failure cases.
    """
    from etl.errors import RefreshFailed
    from etl.refresh import refresh as run_refresh

    settings = get_settings()
    incoming = incoming or settings.incoming
    target = _warehouse(warehouse)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=error_console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def show(name: str, position: int, total: int) -> None:
            bar.update(task, description=f"loading {name}", completed=position - 1, total=total)

        try:
            report = run_refresh(incoming, warehouse=target, settings=settings, progress=show)
        except RefreshFailed as error:
            bar.stop()
            error_console.print(f"[bold red]Refresh failed[/]: {error}")
            error_console.print("Nothing was published; the last good warehouse keeps serving.")
            raise typer.Exit(2) from error
    _print_refresh_summary(report)
    raise typer.Exit(report.exit_code)


def _print_refresh_summary(report) -> None:
    table = Table("file", "extract", "status", "rows in file", "loaded", "of which updated", "rejected", "adds up",
                  title=f"Refresh {report.run_id}: {report.outcome}")
    for file in report.files:
        adds_up = "yes" if file.status != "loaded" or file.balanced else "NO"
        table.add_row(file.file_name, file.extract or "?", file.status, f"{file.rows_in_file:,}", f"{file.rows_loaded:,}",
                      f"{file.rows_updated:,}", f"{file.rows_rejected:,}", adds_up)
    console.print(table)
    totals = report.totals()
    console.print(f"Rows: {totals['rows_in_file']:,} in files = {totals['rows_loaded']:,} loaded "
                  f"+ {totals['rows_rejected']:,} rejected.")
    for file in report.files:
        if file.message:
            console.print(f"- {file.message}")
        for note in file.notes:
            console.print(f"- {file.file_name}: {note}")
    if totals["rows_rejected"]:
        console.print("Rejected rows are in the warehouse table `rejects` (file, line, column, value, rule): "
                      "fix them at source and send the rows again.")
    console.print(f"Published: {report.published}")


@app.command()
def rejects(
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run that rejected rows).")] = None,
    extract: Annotated[str | None, typer.Option("--extract", help="Only this extract, e.g. police_incidents.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many problems.")] = 200,
    output: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
    warehouse: WarehouseOption = None,
) -> None:
    """List rejected rows with file, line, column, value and the rule broken."""
    from importlib import resources

    from etl.errors import WarehouseMissing
    from etl.warehouse import Warehouse

    sql = resources.files("etl").joinpath("sql/report_rejects.sql").read_text(encoding="utf-8")
    try:
        with Warehouse(_warehouse(warehouse)).connect_read_only() as con:
            frame = con.sql(sql, params={"run_id": run, "extract": extract, "limit": limit}).pl()
    except WarehouseMissing as error:
        error_console.print(str(error))
        raise typer.Exit(2) from error
    if output == "csv":
        console.file.write(frame.write_csv())
        return
    if frame.is_empty():
        console.print("No rejected rows.")
        return
    table = Table(*frame.columns, title="Rejected rows")
    for row in frame.iter_rows():
        table.add_row(*["" if value is None else str(value) for value in row])
    console.print(table)


@app.command()
def indicators(
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """List every registered indicator: id, title, unit, method and the cuts it allows."""
    import polars as pl

    from metrics.registry import all_indicators

    frame = pl.DataFrame([
        {"id": item.id, "title": item.title, "topic": item.topic.value, "unit": item.unit, "polarity": item.polarity.value,
         "method": item.ci_method, "dimensions": ", ".join(item.dimensions), "sources": ", ".join(item.source_extracts)}
        for item in all_indicators()
    ])
    _emit(frame, output, title="Indicators")


@app.command()
def indicator(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id, as `oversight indicators` lists them.")],
    by: Annotated[str | None, typer.Option("--by", help="Cut by ward, sex, age_band, ethnicity, month, quarter or year.")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (default: the latest 12 whole months).")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period.")] = None,
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code).")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="Only this sex.")] = None,
    age_band: Annotated[str | None, typer.Option("--age-band", help="Only this age band.")] = None,
    ethnicity: Annotated[str | None, typer.Option("--ethnicity", help="Only this ethnic group.")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    unsuppressed: Annotated[bool, typer.Option("--unsuppressed", help="Show unrounded, unsuppressed counts; allowed only when the analyst setting OVERSIGHT_ANALYST_UNSUPPRESSED is on.")] = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Compute one indicator and print its result frame (disclosure control applied)."""
    from etl.errors import WarehouseMissing
    from metrics.aggregate import GroupFilters, UnsupportedCut
    from metrics.compute import Filters, compute, default_period
    from metrics.disclosure import Audience, rule_for
    from metrics.periods import between
    from metrics.registry import UnknownIndicator
    from metrics.warehouse import connect

    settings = get_settings()
    if unsuppressed and not settings.analyst_unsuppressed:
        error_console.print("--unsuppressed needs the analyst setting OVERSIGHT_ANALYST_UNSUPPRESSED=true.")
        raise typer.Exit(2)
    rule = rule_for(Audience.ANALYST if unsuppressed else Audience.BOARD, settings)
    try:
        with connect(_warehouse(warehouse)) as con:
            period = default_period(con)
            if start or end:
                period = between((start or datetime.combine(period.start, datetime.min.time())).date(),
                                 (end or datetime.combine(period.end, datetime.min.time())).date())
            groups = GroupFilters(ward_code=ward, sex=sex, age_band=age_band, ethnicity=ethnicity)
            frame = compute(con, indicator_id, Filters(period=period, by=by, groups=groups), rule=rule)
    except (WarehouseMissing, UnknownIndicator, UnsupportedCut, ValueError) as error:
        error_console.print(str(error).strip('"'))
        raise typer.Exit(2) from error
    if output == "table":  # a terminal is narrow: the key columns; csv and json carry every column
        shown = ["cut_label", "numerator", "denominator", "value", "lower_95", "upper_95", "comparison_text", "trend"]
        frame = frame.select([column for column in shown if column in frame.columns])
    _emit(frame, output, title=f"{indicator_id}, {period.label}")


def _emit(frame, output: str, *, title: str) -> None:
    if output == "csv":
        console.file.write(frame.write_csv())
    elif output == "json":
        console.file.write(frame.write_json() + "\n")
    else:
        table = Table(*frame.columns, title=title)
        for row in frame.iter_rows():
            table.add_row(*["" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value)) for value in row])
        console.print(table)


@app.command()
def targets(
    plan: Annotated[Path | None, typer.Option("--plan", help="Action plan YAML file (default: the plan the latest refresh loaded).")] = None,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Assess as on this day (default: today).")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Check every action-plan target: SMART checks, status, trajectory, milestones and forecast.

    Exit code 2 when the plan cannot be read (not YAML, no list of targets, a value of the wrong
    type: the message names the target and field), or when there is no warehouse or no plan.
    """
    import json

    from rich.markup import escape

    from etl.errors import WarehouseMissing
    from metrics.disclosure import Audience, rule_for
    from metrics.targets import (PlanFormatError, PlanMissing, WarehouseValues, assess_plan, assessment_record,
                                 board_summary, load_plan, plan_from_warehouse, smart_problem_lines, targets_table)
    from metrics.warehouse import connect

    try:
        action_plan = load_plan(plan) if plan is not None else None
        with connect(_warehouse(warehouse)) as con:
            if action_plan is None:
                action_plan = plan_from_warehouse(con)
            source = WarehouseValues(con, rule_for(Audience.BOARD, get_settings()))
            assessments = assess_plan(action_plan, source, as_of=as_of.date() if as_of else None)
    except (PlanFormatError, PlanMissing, WarehouseMissing) as error:
        error_console.print(f"[bold red]Cannot assess the targets[/]: {escape(str(error))}",
                            highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
    summary = board_summary(assessments)
    if output == "json":
        document = {"board": action_plan.board, "plan": action_plan.plan, "source": action_plan.source,
                    "targets": [assessment_record(assessment) for assessment in assessments],
                    "summary": summary.frame.to_dicts(), "summary_lines": summary.lines}
        console.file.write(json.dumps(document, indent=2) + "\n")
        return
    _emit(targets_table(assessments), "table", title=f"{action_plan.plan or 'Action plan'} ({action_plan.source})")
    for line in [*smart_problem_lines(assessments), *summary.lines]:
        console.print(line, highlight=False, markup=False, soft_wrap=True)


export_app = typer.Typer(help="Write exports for commissioning papers.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("gap-analysis")
def export_gap_analysis(
    out: Annotated[Path, typer.Option("--out", help="The .xlsx workbook to write (its folder must exist).")],
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code; default: the whole district).")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (default: the latest 12 whole months).")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period.")] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Write the gap-analysis workbook: need against reach and capacity by ward and client group.

    Counts are protected by the commissioner disclosure rule, never unsuppressed. Exit code 2 when
    there is no warehouse, the ward is not known, the period is not valid or the file cannot be written.
    """
    from rich.markup import escape

    from etl.errors import WarehouseMissing
    from metrics.audit import ExportRecord, record_export
    from metrics.compute import default_period
    from metrics.export.gap_analysis import commissioner_workbook
    from metrics.periods import PeriodError, between
    from metrics.service_gaps import UnknownWard
    from metrics.warehouse import connect

    try:
        with connect(_warehouse(warehouse)) as con:
            period = default_period(con)
            if start or end:
                period = between(start.date() if start else period.start, end.date() if end else period.end)
            workbook = commissioner_workbook(con, period=period, ward_code=ward)
        record_export(_warehouse(warehouse), ExportRecord(
            user=_os_user(), role="command line", export="gap analysis workbook", file_name=str(out.resolve()),
            filters={"period": f"{period.label} ({period.start} to {period.end})", "ward": ward or "whole district"},
            channel="command line"))  # recorded first: no workbook leaves unrecorded
        out.write_bytes(workbook)
    except (WarehouseMissing, UnknownWard, PeriodError, OSError) as error:
        error_console.print(f"[bold red]Cannot write the gap analysis[/]: {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
    console.print(f"Gap analysis for {ward or 'the whole district'}, {period.label}, written to {out}", highlight=False)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user with no name: the id still says who
        return f"uid {os.getuid()}"


@app.command()
def journey(
    cohort: Annotated[str, typer.Option("--cohort", help="incident, high_risk, children or marac.")],
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the entry period.")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the entry period.")],
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code).")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    warehouse: WarehouseOption = None,
) -> None:
    """Print a cohort's journey: people reaching each step, shares and median days (disclosure control applied)."""
    import duckdb

    from etl.errors import WarehouseMissing
    from metrics.aggregate import GroupFilters
    from metrics.disclosure import Audience, rule_for
    from metrics.journeys import UnknownCohort, cohort_of, journey_steps
    from metrics.periods import PeriodError, between
    from metrics.warehouse import connect

    try:
        chosen = cohort_of(cohort)
        period = between(start.date(), end.date())
        with connect(_warehouse(warehouse)) as con:
            frame = journey_steps(con, rule_for(Audience.BOARD, get_settings()), cohort=chosen.name, period=period,
                                  groups=GroupFilters(ward_code=ward))
    except (WarehouseMissing, UnknownCohort, PeriodError) as error:
        error_console.print(str(error).strip('"'))
        raise typer.Exit(2) from error
    except duckdb.CatalogException as error:  # a warehouse published before the journey marts existed
        error_console.print("This warehouse has no journey marts yet: run `oversight refresh` to build them.")
        raise typer.Exit(2) from error
    shown = ["step", "label", "previous_step", "people", "share_of_cohort_pct", "share_lower_95", "share_upper_95",
             "share_of_previous_pct", "median_days_from_entry", "median_days_from_previous"]
    _emit(frame.select(shown) if output == "table" else frame, output, title=f"{chosen.label}, {period.label}")


@app.command()
def serve(
    warehouse: WarehouseOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to serve the dashboard on.")] = 8501,
    address: Annotated[str, typer.Option("--address", help="Address to bind; localhost unless the app sits behind a login.")] = "localhost",
    allow_unauthenticated_remote: Annotated[bool, typer.Option("--allow-unauthenticated-remote", help="Bind to a network address with no sign-in configured (everyone reaching it is an analyst).")] = False,
) -> None:
    """Serve the dashboard, first building the sample district's warehouse if none exists.

    Exit code 2 when asked to listen beyond localhost with no sign-in configured, or when OIDC
    sign-in is chosen but `.streamlit/secrets.toml` has no usable [auth] section.
    """
    from etl.refresh import refresh as run_refresh
    from etl.warehouse import Warehouse
    from oversight.binding import SignInMisconfigured, UnauthenticatedRemoteBind, check_bind, streamlit_secrets_files

    settings = get_settings()
    try:
        check_bind(address, settings, secrets_files=streamlit_secrets_files(),
                   allow_unauthenticated_remote=allow_unauthenticated_remote)
    except (UnauthenticatedRemoteBind, SignInMisconfigured) as error:
        error_console.print(f"[bold red]Not serving[/]: {error}", highlight=False, soft_wrap=True, markup=True)
        raise typer.Exit(2) from error
    target = _warehouse(warehouse)
    if not Warehouse(target).exists():
        console.print(f"No warehouse at {target}: loading the sample district from {settings.sample_drop}.")
        run_refresh(settings.sample_drop, warehouse=target, settings=settings)
    environment = dict(os.environ, OVERSIGHT_WAREHOUSE=str(target))
    if allow_unauthenticated_remote:  # the launcher checks the address again and must see the same override
        environment["OVERSIGHT_ALLOW_UNAUTHENTICATED_REMOTE"] = "true"
    command = [sys.executable, "-m", "oversight.server", "run", str(PROJECT_ROOT / "app.py"),
               "--server.port", str(port), "--server.address", address, "--browser.gatherUsageStats", "false"]
    raise typer.Exit(subprocess.call(command, env=environment))


if __name__ == "__main__":
    app()
