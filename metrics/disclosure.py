"""Disclosure control: every count shown or exported below district level passes through here.

Rule (NHS Digital, sub-national counts): 0 stays 0; 1..threshold is shown as `*`; larger counts are
rounded to the nearest multiple of the rounding base, halves up. Rounding must never publish a value
in 1..threshold, which could happen when the base is wide against the threshold (threshold 12, base
10: 13 rounds to 10); such counts are published as the first multiple above the threshold (13 -> 20).
So every published non-zero count is a multiple of the base greater than the threshold.

Suppressing a cell is not enough where totals are published: a hidden cell could be recovered by
subtracting the published cells from the total. `protect_table` and `protect_frame` add secondary
suppression; see `protect_table` for the guarantee.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl

from oversight.settings import Settings

SUPPRESSED_TEXT = "*"


class DisclosureError(ValueError):
    """A rule, count or frame that disclosure control cannot work with."""


@dataclass(frozen=True)
class DisclosureRule:
    threshold: int
    rounding_base: int

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding_base < 1:
            raise DisclosureError(f"threshold must be >= 0 and rounding base >= 1, got {self}")

    @classmethod
    def from_settings(cls, settings: Settings) -> DisclosureRule:
        return cls(threshold=settings.disclosure_threshold, rounding_base=settings.disclosure_rounding_base)

    @classmethod
    def unsuppressed(cls) -> DisclosureRule:
        """The identity rule: nothing hidden, nothing rounded (analyst views only)."""
        return cls(threshold=0, rounding_base=1)

    @property
    def is_identity(self) -> bool:
        return self.threshold == 0 and self.rounding_base == 1

    def describe(self) -> str:  # footnote text for a page or export
        if self.is_identity:
            return "Counts are shown unrounded and unsuppressed."
        return (f"Counts from 1 to {self.threshold} are shown as {SUPPRESSED_TEXT}, as are some others so"
                f" that hidden counts cannot be worked out from totals; other counts are rounded to the"
                f" nearest {self.rounding_base}.")


@dataclass(frozen=True)
class ProtectedCount:
    display: str
    value: int | None
    is_suppressed: bool
    is_rounded: bool


@dataclass(frozen=True)
class ProtectedRatio:
    value: float | None
    is_suppressed: bool


def protect_count(count: int, rule: DisclosureRule) -> ProtectedCount:
    """One count under the rule: '*' when suppressed, else the rounded value."""
    counts = np.array([count])
    _check_counts(counts)
    return _entry(None if _is_small(counts, rule)[0] else int(_rounded(counts, rule)[0]), rule)


def protect_ratio(
    value: float | None, *, numerator: int, denominator: int, rule: DisclosureRule
) -> ProtectedRatio:
    """A rate or percentage is hidden whenever its numerator or its denominator would be."""
    counts = np.array([numerator, denominator])
    _check_counts(counts)
    if _is_small(counts, rule).any():
        return ProtectedRatio(value=None, is_suppressed=True)
    return ProtectedRatio(value=value, is_suppressed=False)


def protect_frame(
    df: pl.DataFrame,
    *,
    count_columns: Sequence[str],
    ratio_columns: Mapping[str, tuple[str, str]],
    rule: DisclosureRule,
    interval_columns: Mapping[str, Sequence[str]] | None = None,
    level_column: str | None = None,
    unsuppressed_levels: Sequence[str] = ("district",),
    group_columns: Sequence[str] = (),
) -> pl.DataFrame:
    """A copy of `df` safe to show: counts rounded or null with a `<col>_suppressed` flag.

    `ratio_columns` maps each rate/percentage column to its (numerator, denominator) columns; it is
    nulled, with its `interval_columns` (say its CI limits), when either count is hidden, and gets a
    `<ratio>_suppressed` flag. Rows whose `level_column` is in `unsuppressed_levels` are left as they
    are. Those rows are totals of the other rows in their `group_columns` group (a period, say), so
    where exactly one row of a group hides a count, the smallest other non-zero count is hidden too.
    Columns that add up to another column of the frame need `protect_table` instead.
    """
    intervals = {ratio: tuple(columns) for ratio, columns in (interval_columns or {}).items()}
    ratio_counts = [column for pair in ratio_columns.values() for column in pair]
    needed = [*count_columns, *ratio_columns, *ratio_counts, *group_columns, *sum(intervals.values(), ())]
    if missing := sorted(set(needed + ([level_column] if level_column else [])) - set(df.columns)):
        raise DisclosureError(f"columns not in the frame: {missing}")
    levels = df[level_column] if level_column else pl.Series(values=[None] * df.height, dtype=pl.String)
    exempt = levels.is_in(list(unsuppressed_levels)).fill_null(False).to_numpy()
    index = "__disclosure_row"  # a name no caller's frame uses
    grouped = df.with_row_index(index).group_by(list(group_columns) or pl.lit(0), maintain_order=True)
    groups = [np.asarray(rows, dtype=np.int64) for rows in grouped.agg(index)[index].to_list()]
    hidden = {
        column: _frame_column_hidden(df[column], rule, exempt=exempt, groups=groups)
        for column in dict.fromkeys([*count_columns, *ratio_counts])
    }
    replacements = []
    for column in count_columns:
        raw = df[column].fill_null(0).to_numpy().astype(np.int64)
        shown = pl.Series(column, np.where(exempt, raw, _rounded(raw, rule)), dtype=pl.Int64)
        blank = hidden[column] | df[column].is_null().to_numpy()
        replacements += [_blanked(shown, blank), pl.Series(f"{column}_suppressed", hidden[column])]
    for ratio, (numerator, denominator) in ratio_columns.items():
        blank = hidden[numerator] | hidden[denominator]
        replacements += [_blanked(df[column], blank) for column in (ratio, *intervals.get(ratio, ()))]
        replacements.append(pl.Series(f"{ratio}_suppressed", blank))
    return df.with_columns(replacements)


@dataclass(frozen=True)
class ProtectedTable:
    """A protected two-way table with its margins.

    `hidden` is over the augmented grid: interior cells, then row totals as the last column, column
    totals as the last row, and the grand total in the corner.
    """

    cells: list[list[ProtectedCount]]
    row_totals: list[ProtectedCount]
    column_totals: list[ProtectedCount]
    grand_total: ProtectedCount
    hidden: np.ndarray

    def published(self) -> np.ndarray:
        """The augmented grid as published, NaN where hidden."""
        rows = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        rows.append([*self.column_totals, self.grand_total])
        return np.array([[np.nan if c.value is None else c.value for c in row] for row in rows], dtype=float)


def protect_table(
    cells: Sequence[Sequence[int]] | np.ndarray, *, rule: DisclosureRule, round_totals: bool = True,
    already_hidden: np.ndarray | None = None, always_shown: np.ndarray | None = None,
) -> ProtectedTable:
    """Primary and secondary suppression of a two-way table of counts and its totals.

    Every entry, totals included, is one of the lines (rows and columns of the augmented grid) that
    add up. Small entries are hidden; then, until nothing changes: a line with exactly one hidden
    entry hides its smallest non-zero other part (or its total); and a hidden entry that is still
    fixed by the published values (a bridge in the graph of hidden entries joining rows to columns)
    gets a partner closing a cycle through it. The result: no hidden entry can be solved from the
    lines, and as hidden entries are non-zero where the table allows, moving one unit round a cycle
    gives another table that agrees with everything published, even with exact totals.
    Totals are rounded like cells when `round_totals`, else published exactly (when not hidden).
    `already_hidden` marks entries of the augmented grid hidden for another reason (where the same count
    is published in another table): they stay hidden, and are protected like the small ones.
    `always_shown` marks entries published whatever they hold (district totals): never hidden, so each
    line's partners are found among the other entries.
    """
    interior = np.asarray(cells, dtype=np.int64)
    if interior.ndim != 2 or 0 in interior.shape:
        raise DisclosureError("a table needs at least one row and one column of counts")
    _check_counts(interior)
    rows, columns = interior.shape[0] + 1, interior.shape[1] + 1
    row_totals, column_totals = interior.sum(axis=1, keepdims=True), interior.sum(axis=0, keepdims=True)
    grid = np.block([[interior, row_totals], [column_totals, interior.sum(keepdims=True)]])
    masks = {}
    for name, mask in (("already_hidden", already_hidden), ("always_shown", always_shown)):
        if mask is not None and np.shape(mask) != grid.shape:
            raise DisclosureError(f"{name} must cover the table with its totals, {grid.shape}")
        masks[name] = np.zeros(grid.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    shown = masks["always_shown"]
    hidden = (_is_small(grid, rule) | masks["already_hidden"]) & ~shown
    while _hide_one_more(grid, hidden, shown):
        pass
    exact = np.zeros(grid.shape, dtype=bool)
    if not round_totals:
        exact[-1, :] = exact[:, -1] = True
    published = np.where(exact, grid, _rounded(grid, rule))
    values = [[None if hidden[i, j] else int(published[i, j]) for j in range(columns)] for i in range(rows)]
    entries = [[_entry(values[i][j], rule, exact=exact[i, j]) for j in range(columns)] for i in range(rows)]
    cells_and_row_totals, column_totals_and_grand = entries[:-1], entries[-1]
    return ProtectedTable(
        cells=[row[:-1] for row in cells_and_row_totals],
        row_totals=[row[-1] for row in cells_and_row_totals],
        column_totals=column_totals_and_grand[:-1], grand_total=column_totals_and_grand[-1], hidden=hidden,
    )


class Audience(StrEnum):
    BOARD = "board"
    COMMISSIONER = "commissioner"
    ANALYST = "analyst"


def rule_for(audience: Audience, settings: Settings) -> DisclosureRule:
    """Only analysts, and only when the setting allows, see unsuppressed values; boards and exports never."""
    if Audience(audience) is Audience.ANALYST and settings.analyst_unsuppressed:
        return DisclosureRule.unsuppressed()
    return DisclosureRule.from_settings(settings)


def _is_small(counts: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    return (counts >= 1) & (counts <= rule.threshold)


def _rounded(counts: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    base = rule.rounding_base
    nearest = (2 * counts + base) // (2 * base) * base
    first_above_threshold = -(-(rule.threshold + 1) // base) * base
    return np.where(counts == 0, 0, np.where(nearest <= rule.threshold, first_above_threshold, nearest))


def _check_counts(counts: np.ndarray) -> None:
    if counts.dtype.kind not in "iu" and not np.all(np.mod(counts, 1) == 0):
        raise DisclosureError("counts must be whole numbers")
    if np.any(counts < 0):
        raise DisclosureError("counts cannot be negative")


def _entry(value: int | None, rule: DisclosureRule, *, exact: bool = False) -> ProtectedCount:
    if value is None:
        return ProtectedCount(display=SUPPRESSED_TEXT, value=None, is_suppressed=True, is_rounded=False)
    is_rounded = not exact and value > 0 and rule.rounding_base > 1
    return ProtectedCount(display=f"{value:,}", value=value, is_suppressed=False, is_rounded=is_rounded)


def _blanked(series: pl.Series, mask: np.ndarray) -> pl.Series:
    return series.clone().scatter(np.flatnonzero(mask), None)


def _frame_column_hidden(
    column: pl.Series, rule: DisclosureRule, *, exempt: np.ndarray, groups: Iterable[np.ndarray]
) -> np.ndarray:
    """Primary suppression, then a second hidden row wherever a published total would give one away."""
    values = column.fill_null(0).to_numpy()
    _check_counts(values)
    present = column.is_not_null().to_numpy()
    hidden = _is_small(values, rule) & ~exempt
    for rows in groups:
        children = rows[~exempt[rows] & present[rows]]
        if exempt[rows].any() and hidden[children].sum() == 1:
            others = children[~hidden[children]]
            if others.size:
                # smallest non-zero first; a zero only when every other row is zero
                hidden[others[np.lexsort((values[others], values[others] == 0))[0]]] = True
    return hidden


def _hide_one_more(grid: np.ndarray, hidden: np.ndarray, shown: np.ndarray) -> bool:
    """Hide one more entry (never one always shown) if any line or bridge needs it; False when the table is stable."""
    rows, columns = grid.shape
    across = [[(i, j) for j in range(columns)] for i in range(rows)]
    lines = across + [[(i, j) for i in range(rows)] for j in range(columns)]  # parts, then the total
    for line in lines:
        if sum(hidden[entry] for entry in line) == 1:
            parts = [entry for entry in line[:-1] if not hidden[entry] and not shown[entry]]
            total = [entry for entry in line[-1:] if not hidden[entry] and not shown[entry]]
            non_zero = [entry for entry in parts if grid[entry] > 0] or [e for e in total if grid[e] > 0]
            if candidates := non_zero or parts + total:
                hidden[min(candidates, key=lambda entry: grid[entry])] = True
                return True
    edges = list(zip(*np.nonzero(hidden)))
    for bridge in edges:
        side = _components(grid.shape, [edge for edge in edges if edge != bridge])
        row_side, column_side = side[bridge[0]], side[rows + bridge[1]]
        if row_side == column_side:
            continue
        # an entry joining the two sides the bridge separates puts the bridge on a cycle
        unhidden = list(zip(*np.nonzero(~hidden & ~shown)))
        sides = {row_side, column_side}
        closing = [(i, j) for i, j in unhidden if {side[i], side[rows + j]} == sides]
        fallback = [(i, j) for i, j in unhidden if i == bridge[0] or j == bridge[1]]
        if candidates := [e for e in closing if grid[e] > 0] or closing or fallback:
            hidden[min(candidates, key=lambda entry: grid[entry])] = True
            return True
    return False


def _components(shape: tuple[int, int], edges: list[tuple[int, int]]) -> np.ndarray:
    """Component label of each node (rows, then columns) in the graph of hidden entries."""
    parent = list(range(shape[0] + shape[1]))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = node = parent[parent[node]]
        return node

    for i, j in edges:
        parent[root(i)] = root(shape[0] + j)
    return np.array([root(node) for node in range(len(parent))])
