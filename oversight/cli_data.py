"""`oversight sample`, `refresh` and `rejects`: the data jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from oversight.cli_common import (
    WarehouseOption,
    app,
    console,
    error_console,
    format_option,
    print_error,
    warehouse_path,
)
from oversight.settings import get_settings
from oversight.tables import Column, render


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
        raise typer.BadParameter(
            f"{text!r} is neither a factor such as 2.5 nor a number of incidents such as 500k or 5M", param_hint="--scale"
        ) from None
    if number <= 0:
        raise typer.BadParameter("must be above 0", param_hint="--scale")
    return ScaleTarget(incidents=int(number * multiplier)) if multiplier else ScaleTarget(factor=number)


@app.command()
def sample(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the sample drop into, created if missing "
            "(default: setting OVERSIGHT_SAMPLE_DROP, else the project's "
            "data/sample/drop).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 20261126,
    years: Annotated[int, typer.Option("--years", min=1, help="Years of history to generate.")] = 6,
    scale: Annotated[
        str,
        typer.Option(
            "--scale",
            help="A factor on residents and every volume (0.05, 1, 20), or a "
            "number of police incidents to aim for (500k, 1M, 5M) with every "
            "other extract in proportion.",
        ),
    ] = "1",
    tables_as: Annotated[
        str,
        typer.Option("--tables-as", help="Format of the big extracts: parquet (small files) or csv (what most agencies send)."),
    ] = "parquet",
) -> None:
    """Generate the fictional sample district as a drop folder."""
    from etl.sample import generate_sample
    from etl.sample.generate import TABLE_FORMATS, scale_for_incidents

    if tables_as not in TABLE_FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join(TABLE_FORMATS)}", param_hint="--tables-as")
    out = out if out is not None else get_settings().sample_drop
    target = parse_scale(scale)
    factor = scale_for_incidents(target.incidents, seed=seed, years=years) if target.incidents else target.factor
    summary = generate_sample(out, seed=seed, years=years, scale=factor, tables_as=tables_as)
    render(
        console,
        [Column("file", kind="key"), Column("rows", kind="number")],
        summary.rows.items(),
        title=f"Sample district written to {out}",
    )


@app.command()
def refresh(
    incoming: Annotated[
        Path | None, typer.Option("--incoming", help="The drop folder to load (default: setting OVERSIGHT_INCOMING).")
    ] = None,
    warehouse: WarehouseOption = None,
    full: Annotated[
        bool,
        typer.Option("--full", help="Rebuild every mart and precomputed sum and publish, even when the drop changes nothing."),
    ] = False,
) -> None:
    """Load a nightly drop into a new warehouse version and publish it atomically.

    A drop that changes nothing (every file loaded before) publishes nothing, says so and exits 0;
    `--full` rebuilds and publishes regardless, for a backfill or after an upgrade.
    Exit code 0: loaded (rejected rows, if any, are reported and kept in `rejects`);
    1: one or more files were refused; 2: the refresh failed and nothing was published;
    the last good warehouse keeps serving in both failure cases. On a terminal a progress bar
    shows each stage; otherwise (cron, systemd) each stage is one timestamped line on standard error.
    """
    from etl.errors import RefreshFailed
    from pipeline.nightly import refresh as run_refresh

    settings = get_settings()
    incoming = incoming or settings.incoming
    target = warehouse_path(warehouse)
    with refresh_progress(incoming) as show:
        try:
            report = run_refresh(incoming, warehouse=target, settings=settings, progress=show, full=full)
        except RefreshFailed as error:
            show.stop()
            print_error("Refresh failed", error)
            error_console.print("Nothing was published; the last good warehouse keeps serving.")
            raise typer.Exit(2) from error
    _print_refresh_summary(report)
    raise typer.Exit(report.exit_code)


class _StageLog:
    """Progress without a terminal: one timestamped line per stage, written as it starts."""

    def __init__(self, incoming: Path) -> None:
        self.incoming = incoming
        self._line(f"reading the drop in {incoming}")

    def __call__(self, name: str, position: int, total: int) -> None:
        self._line(_stage_words(self.incoming, name, position, total))

    def stop(self) -> None:
        pass

    @staticmethod
    def _line(text: str) -> None:
        error_console.print(Text(f"{datetime.now():%Y-%m-%d %H:%M:%S} refresh: {text}"), soft_wrap=True)
        error_console.file.flush()


class _StageBar:
    """Progress on a terminal: a bar over the drop's files, then the later stages by name."""

    def __init__(self, progress: Progress, incoming: Path) -> None:
        self.progress = progress
        self.incoming = incoming
        self.task = progress.add_task("starting", total=None)

    def __call__(self, name: str, position: int, total: int) -> None:
        self.progress.update(
            self.task,
            description=_stage_words(self.incoming, name, position, total),
            completed=position - 1 if _is_drop_file(self.incoming, name) else total,
            total=total,
        )

    def stop(self) -> None:
        self.progress.stop()


def _is_drop_file(incoming: Path, name: str) -> bool:
    """The refresh reports each file of the drop by its name, then its later stages by theirs."""
    return (incoming / name).is_file()


def _stage_words(incoming: Path, name: str, position: int, total: int) -> str:
    """`loading police_incidents.csv (3 of 12)` for a file of the drop; the stage's own name otherwise."""
    return f"loading {name} ({position} of {total})" if _is_drop_file(incoming, name) else name


@contextmanager
def refresh_progress(incoming: Path) -> Iterator[_StageLog | _StageBar]:
    """A progress bar when standard error is a terminal; one log line per stage when it is not (cron, systemd)."""
    if not error_console.is_terminal:
        yield _StageLog(incoming)
        return
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=error_console, transient=True) as progress:
        yield _StageBar(progress, incoming)


# The refresh summary, rows per file (in the file, loaded, of which updated, rejected): the file's
# name and every count always whole; the extract goes first when the terminal is narrow, since
# the file's name starts with it. A column that says the same for every file (every file adds
# up, no row updated) becomes one sentence under the table, leaving the width to the names.
REFRESH_COLUMNS = [
    Column("file", kind="key"),
    Column("extract", kind="key", drop=1),
    Column("status", kind="key"),
    Column("in file", kind="number"),
    Column("loaded", kind="number"),
    Column("updated", kind="number"),
    Column("rejected", kind="number"),
    Column("adds up", kind="key"),
]


def _print_refresh_summary(report) -> None:
    if report.files:
        _print_files_loaded(report)
    elif report.published is not None:
        console.print(f"No file in {report.incoming}.", soft_wrap=True)
    if report.published is None:
        why = "every file was loaded before" if report.files else f"{report.incoming} holds no file"
        console.print(f"Nothing changed: {why}. No new version was published; the served one stays.", soft_wrap=True)
    else:
        console.print(f"Published ({report.kind} refresh): {report.published}", soft_wrap=True)
        if report.kind == "incremental":
            console.print(f"Marts rebuilt: {', '.join(report.rebuilt) or 'none'}; the others were kept.", soft_wrap=True)
            for note in report.notes:
                console.print(f"- {note}", soft_wrap=True)


def _print_files_loaded(report) -> None:
    """Each file's rows: in the file, loaded, replaced, rejected; and whether they add up."""
    rows = [
        {
            "file": file.file_name,
            "extract": file.extract or "?",
            "status": file.status,
            "in file": file.rows_in_file,
            "loaded": file.rows_loaded,
            "updated": file.rows_updated,
            "rejected": file.rows_rejected,
            "adds up": "yes" if file.status != "loaded" or file.balanced else "NO",
        }
        for file in report.files
    ]
    every_file_adds_up = all(row["adds up"] == "yes" for row in rows)
    none_updated = not any(row["updated"] for row in rows)
    columns = [
        column
        for column in REFRESH_COLUMNS
        if not (column.name == "adds up" and every_file_adds_up) and not (column.name == "updated" and none_updated)
    ]
    render(
        console,
        columns,
        [[row[column.name] for column in columns] for row in rows],
        title=f"Refresh {report.run_id}: {report.outcome}; rows per file",
        note_left_out="each file's name starts with its extract's",
    )
    totals = report.totals()
    console.print(
        f"Rows: {totals['rows_in_file']:,} in files = {totals['rows_loaded']:,} loaded "
        f"+ {totals['rows_rejected']:,} rejected. "
        + ("Every file adds up" if every_file_adds_up else "Files marked NO do not add up")
        + (
            "; no loaded row replaced an earlier one."
            if none_updated
            else f"; {totals['rows_updated']:,} loaded rows replaced earlier ones."
        ),
        soft_wrap=True,
    )
    for file in report.files:
        if file.message:
            console.print(f"- {file.message}", soft_wrap=True)
        for note in file.notes:
            console.print(f"- {file.file_name}: {note}", soft_wrap=True)
    if totals["rows_rejected"]:
        console.print(
            "Rejected rows are in the warehouse table `rejects` (file, line, column, value, rule): "
            "fix them at source and send the rows again; `oversight rejects` lists them."
        )


# One table per file: the line, record id and column always whole; the rejected value and the
# rule wrap (a long value folds, so none of it is lost).
REJECT_COLUMNS = [
    Column("line", kind="number"),
    Column("record_id", "record id", kind="key"),
    Column("column_name", "column", kind="key"),
    Column("value"),
    Column("rule"),
]


@app.command()
def rejects(
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run that rejected rows).")] = None,
    extract: Annotated[str | None, typer.Option("--extract", help="Only this extract, e.g. police_incidents.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many problems.")] = 200,
    output: Annotated[str, format_option("table", "csv")] = "table",
    warehouse: WarehouseOption = None,
) -> None:
    """List rejected rows with file, line, column, value and the rule broken (default: the latest run that rejected rows)."""
    from importlib import resources

    from etl.errors import WarehouseMissing
    from etl.warehouse import Warehouse

    sql = resources.files("etl").joinpath("sql/report_rejects.sql").read_text(encoding="utf-8")
    try:
        with Warehouse(warehouse_path(warehouse)).connect_read_only() as con:
            frame = con.sql(sql, params={"run_id": run, "extract": extract, "limit": limit}).pl()
    except WarehouseMissing as error:
        error_console.print(str(error), soft_wrap=True)
        raise typer.Exit(2) from error
    if output == "csv":
        from metrics.safe_output import safe_csv

        console.file.write(safe_csv(frame))
        return
    if frame.is_empty():
        console.print("No rejected rows.")
        return
    runs = ", ".join(frame["run_id"].unique(maintain_order=True).to_list())
    console.print(
        Text(f"Rejected rows from run {runs} ({frame.height:,} shown; --limit sets how many)", style="bold"), soft_wrap=True
    )
    for (file_name, extract_name), rows in frame.group_by(["file_name", "extract"], maintain_order=True):
        console.print()
        render(
            console,
            REJECT_COLUMNS,
            rows.select([column.name for column in REJECT_COLUMNS]).iter_rows(),
            title=f"{file_name} ({extract_name})",
        )
    if frame.height == limit:
        console.print(f"Only the first {limit:,}: --limit shows more, --format csv writes them all to a file.")
