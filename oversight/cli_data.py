"""`oversight sample`, `refresh` and `rejects`: the data jobs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oversight.cli_common import (
    WarehouseOption,
    app,
    console,
    error_console,
    warehouse_path,
)
from oversight.settings import get_settings


@dataclass(frozen=True)
class ScaleTarget:
    factor: float = 1.0
    incidents: int | None = None


INCIDENT_SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_scale(text: str) -> ScaleTarget:
    """`--scale 2.5` is a factor; `--scale 500k` or `--scale 5M` is a number of police incidents."""
    cleaned = text.strip().lower().replace("_", "").replace(",", "")
    multiplier = INCIDENT_SUFFIXES.get(cleaned[-1:]) if cleaned else None
    try:
        number = float(cleaned[:-1] if multiplier else cleaned)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither a factor such as 2.5 nor a number of incidents such as 500k or 5M",
                                 param_hint="--scale") from None
    if number <= 0:
        raise typer.BadParameter("must be above 0", param_hint="--scale")
    return ScaleTarget(incidents=int(number * multiplier)) if multiplier else ScaleTarget(factor=number)


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the sample drop into (created if missing).")] = Path("data/sample/drop"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 20261126,
    years: Annotated[int, typer.Option("--years", min=1, help="Years of history to generate.")] = 6,
    scale: Annotated[str, typer.Option("--scale", help="A factor on residents and every volume (0.05, 1, 20), or a "
                                                        "number of police incidents to aim for (500k, 1M, 5M) with every "
                                                        "other extract in proportion.")] = "1",
    tables_as: Annotated[str, typer.Option("--tables-as", help="Format of the big extracts: parquet (small files) or "
                                                               "csv (what most agencies send).")] = "parquet",
) -> None:
    """Generate the fictional sample district as a drop folder."""
    from etl.sample import generate_sample
    from etl.sample.generate import TABLE_FORMATS, scale_for_incidents

    if tables_as not in TABLE_FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join(TABLE_FORMATS)}", param_hint="--tables-as")
    target = parse_scale(scale)
    factor = scale_for_incidents(target.incidents, seed=seed, years=years) if target.incidents else target.factor
    summary = generate_sample(out, seed=seed, years=years, scale=factor, tables_as=tables_as)
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
    from metrics.precompute import refresh as run_refresh

    settings = get_settings()
    incoming = incoming or settings.incoming
    target = warehouse_path(warehouse)
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
        with Warehouse(warehouse_path(warehouse)).connect_read_only() as con:
            frame = con.sql(sql, params={"run_id": run, "extract": extract, "limit": limit}).pl()
    except WarehouseMissing as error:
        error_console.print(str(error))
        raise typer.Exit(2) from error
    if output == "csv":
        from metrics.safe_output import safe_csv

        console.file.write(safe_csv(frame))
        return
    if frame.is_empty():
        console.print("No rejected rows.")
        return
    table = Table(*frame.columns, title="Rejected rows")
    for row in frame.iter_rows():
        table.add_row(*["" if value is None else str(value) for value in row])
    console.print(table)
