"""What every `oversight` subcommand shares: the app, consoles, the warehouse option, output.

Nothing printed is read as console markup: file names, values from extracts, messages and
help text often hold square brackets (`[auth]`, `police_incidents [copy].csv`), which Rich
would otherwise swallow as style tags. Both consoles have markup switched off, tables are
built from plain `Text`, and the help is rendered without markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from oversight.settings import get_settings
from oversight.tables import Column, render

# Locals are never printed with a traceback: they may hold rows about people.
app = typer.Typer(
    help="Oversight: analytics for Domestic and Sexual Violence Boards.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
console = Console(markup=False, highlight=False)
error_console = Console(stderr=True, markup=False, highlight=False)

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="Warehouse folder (default: setting OVERSIGHT_WAREHOUSE, else data/warehouse)."),
]


def format_option(*choices: str) -> Any:
    """The `--format` option offering exactly `choices`, as `Annotated[str, format_option("table", "csv")]`;
    any other value exits 2 naming them."""

    def only_the_choices(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return typer.Option(
        "--format", metavar="[" + "|".join(choices) + "]", callback=only_the_choices, help=f"Output format: {', '.join(choices)}."
    )


def warehouse_path(path: Path | None) -> Path:
    return path if path is not None else get_settings().warehouse


def print_error(headline: str, detail: object = None) -> None:
    """`headline: detail` on standard error, the headline in bold red, the detail exactly as given."""
    message = Text(headline, style="bold red")
    if detail is not None:
        message.append(f": {detail}")
    error_console.print(message, soft_wrap=True)


def default_columns(frame) -> list[Column]:
    """Columns for a frame with no declared layout: the first is its key, numbers stay, other text may go."""
    columns = []
    text_columns = []
    for position, (name, dtype) in enumerate(frame.schema.items()):
        if position == 0:
            columns.append(Column(name, kind="key"))
        elif dtype.is_numeric():
            columns.append(Column(name, kind="number"))
        else:
            text_columns.append(name)
            columns.append(Column(name, kind="text"))
    # the rightmost descriptive column is the first to go when the terminal is narrow
    order = {name: rank for rank, name in enumerate(reversed(text_columns), start=1)}
    return [Column(column.name, kind=column.kind, drop=order.get(column.name)) for column in columns]


def emit(frame, output: str, *, title: str, columns: Sequence[Column] | None = None, note_left_out: str | None = None) -> None:
    """Print a frame as CSV, JSON or a table that fits the terminal (see `oversight.tables`)."""
    if output == "csv":
        from metrics.safe_output import safe_csv

        console.file.write(safe_csv(frame))
    elif output == "json":
        console.file.write(frame.write_json() + "\n")
    else:
        chosen = list(columns) if columns is not None else default_columns(frame)
        render(
            console,
            chosen,
            frame.select([column.name for column in chosen]).iter_rows(),
            title=title,
            note_left_out=note_left_out,
        )
