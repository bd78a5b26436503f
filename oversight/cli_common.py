"""What every `oversight` subcommand shares: the app, consoles, the warehouse option, output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oversight.settings import get_settings

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


def warehouse_path(path: Path | None) -> Path:
    return path if path is not None else get_settings().warehouse




def emit(frame, output: str, *, title: str) -> None:
    if output == "csv":
        from metrics.safe_output import safe_csv

        console.file.write(safe_csv(frame))
    elif output == "json":
        console.file.write(frame.write_json() + "\n")
    else:
        table = Table(*frame.columns, title=title)
        for row in frame.iter_rows():
            table.add_row(*["" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value)) for value in row])
        console.print(table)
