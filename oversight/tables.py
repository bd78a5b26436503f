"""Terminal tables that fit the terminal and never cut an id, a code or a number.

An analyst types the ids and codes a table shows into the next command, so those cells are
always printed whole, on one line. To fit the terminal's width the descriptive text columns
wrap at spaces first, and are dropped (in the order the command gives) when even wrapped they
would leave no room; the table then says which columns it left out and how to see them. If
the columns that must stay whole are wider than the terminal on their own, the table is
printed wider than the terminal rather than cut.

Every cell, header and title is plain text: nothing read from a file or typed by a user is
ever interpreted as console markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

ColorSystemName = Literal["auto", "standard", "256", "truecolor", "windows"]

Kind = Literal["key", "number", "text"]

# Header rule under each column, a space between columns, nothing else: more room for values.
PLAIN_HEAD = box.Box("    \n    \n ─  \n    \n    \n    \n    \n    \n")
COLUMN_GAP = 2  # one separator and one space of padding between neighbouring columns
TEXT_WORD_LIMIT = 20  # a longer "word" in a text column (a pasted value, say) folds rather than widening the column
TEXT_COMFORT = 22  # below this a wrapped text column reads as a ribbon: drop it instead


@dataclass(frozen=True)
class Column:
    """One column of a terminal table.

    `kind`: "key" (ids, codes, names to type: always whole on one line), "number" (whole, right
    aligned) or "text" (descriptive: wraps at spaces). `drop` orders the columns that may be left
    out to fit the width, 1 first; None keeps the column whatever the width.
    """

    name: str
    header: str | None = None
    kind: Kind = "text"
    drop: int | None = None

    @property
    def title(self) -> str:
        return self.header if self.header is not None else self.name


def format_number(value: float | int, decimals: int | None = None) -> str:
    """A number in full, with thousands separators and never in scientific notation.

    Whole numbers print as integers; others with `decimals` places, by default enough for about
    four significant figures.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if decimals is None:
        if float(value).is_integer():
            return f"{int(value):,}"
        decimals = _decimals_for(abs(value))
    return f"{value:,.{decimals}f}"


def _decimals_for(magnitude: float) -> int:
    """Places after the point for about four significant figures at this size (none from 1,000 up)."""
    return 0 if magnitude == 0 else min(max(0, 3 - math.floor(math.log10(magnitude))), 8)


def number_formatter(values: Iterable[object]):
    """How to print one column's numbers: whole numbers as integers; fractions all with the same places,
    enough for about four significant figures of the column's largest, so a column lines up."""
    fractions = [abs(value) for value in values if isinstance(value, float) and math.isfinite(value) and not value.is_integer()]
    decimals = _decimals_for(max(fractions)) if fractions else None

    def formatted(value: object) -> str:
        if isinstance(value, float) and decimals is not None and math.isfinite(value):
            return format_number(value, decimals)
        return cell_text(value)

    return formatted


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def _longest_word(texts: Iterable[str]) -> int:
    return max((cell_len(word) for text in texts for word in text.split()), default=0)


def _longest_line(texts: Iterable[str]) -> int:
    return max((cell_len(line) for text in texts for line in text.splitlines() or [""]), default=0)


@dataclass(frozen=True)
class Layout:
    columns: list[Column]
    widths: list[int]
    left_out: list[Column]

    @property
    def width(self) -> int:
        return sum(self.widths) + COLUMN_GAP * (len(self.widths) - 1)


def layout(columns: Sequence[Column], cells: dict[str, list[str]], width: int) -> Layout:
    """Which columns to show and how wide, so the table fits `width` without cutting a key or number."""
    natural, minimum, comfortable = {}, {}, {}
    for column in columns:
        values = cells[column.name]
        whole_header = cell_len(column.title)
        if column.kind == "text":
            longest_word = min(max(_longest_word(values), _longest_word([column.title]), 1), TEXT_WORD_LIMIT)
            natural[column.name] = max(_longest_line(values), whole_header, 1)
            minimum[column.name] = longest_word
            comfortable[column.name] = min(natural[column.name], max(longest_word, TEXT_COMFORT))
        else:  # shown whole; only the header may wrap between its words
            natural[column.name] = max(_longest_line(values), whole_header, 1)
            minimum[column.name] = max(_longest_line(values), _longest_word([column.title]), 1)
            comfortable[column.name] = minimum[column.name]

    def needed(shown: list[Column], sizes: dict[str, int]) -> int:
        return sum(sizes[column.name] for column in shown) + COLUMN_GAP * (len(shown) - 1)

    shown = list(columns)
    droppable = sorted((column for column in columns if column.drop is not None), key=lambda column: column.drop or 0)
    while needed(shown, comfortable) > width and droppable:
        shown.remove(droppable.pop(0))
    widths = {column.name: (comfortable if needed(shown, comfortable) <= width else minimum)[column.name] for column in shown}
    spare = width - needed(shown, widths)
    # Whole headers first (cheap and easier to read), then the text columns share what is left.
    for column in shown:
        if column.kind != "text" and spare > 0:
            grow = min(spare, natural[column.name] - widths[column.name])
            widths[column.name] += grow
            spare -= grow
    while spare > 0:
        wanting = [column for column in shown if column.kind == "text" and widths[column.name] < natural[column.name]]
        if not wanting:
            break
        share = max(1, spare // len(wanting))
        for column in wanting:
            grow = min(share, spare, natural[column.name] - widths[column.name])
            widths[column.name] += grow
            spare -= grow
    left_out = [column for column in columns if column not in shown]
    return Layout(shown, [widths[column.name] for column in shown], left_out)


def render(
    console: Console,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    note_left_out: str | None = None,
) -> None:
    """Print rows (values in the order of `columns`) as a table that fits the console's width."""
    rows = [list(row) for row in rows]
    formats = [
        number_formatter(row[index] for row in rows) if column.kind == "number" else cell_text
        for index, column in enumerate(columns)
    ]
    texts = [[format_cell(value) for format_cell, value in zip(formats, row, strict=True)] for row in rows]
    cells = {column.name: [row[index] for row in texts] for index, column in enumerate(columns)}
    plan = layout(columns, cells, console.width)
    table = Table(
        box=PLAIN_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0, 0, 1),
        title_justify="left",
        title=Text(title) if title else None,
        header_style="bold",
    )
    for column, width in zip(plan.columns, plan.widths, strict=True):
        table.add_column(Text(column.title), width=width, overflow="fold", justify="right" if column.kind == "number" else "left")
    positions = [list(columns).index(column) for column in plan.columns]
    for row in texts:
        table.add_row(*[Text(row[position]) for position in positions])
    if plan.width > console.width:  # the whole values need more room than there is: wider, never cut
        # rich types the Console.color_system property str | None, though it is always a name the argument takes
        color_system = cast(ColorSystemName | None, console.color_system)
        console = Console(
            file=console.file,
            width=plan.width,
            markup=False,
            highlight=False,
            force_terminal=console.is_terminal,
            color_system=color_system,
        )
    console.print(table)
    if plan.left_out:
        names = ", ".join(column.title for column in plan.left_out)
        hint = note_left_out or "--format csv or json carries them"
        console.print(Text(f"Not shown at this width: {names} ({hint}, or widen the terminal)."))
