"""Two-way tables with their margins: primary and secondary suppression so no hidden entry can be solved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from metrics.disclosure.rule import (
    DisclosureError,
    DisclosureRule,
    ProtectedCount,
    check_counts,
    entry,
    is_small,
    rounded,
)


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
    cells: Sequence[Sequence[int]] | np.ndarray,
    *,
    rule: DisclosureRule,
    round_totals: bool = True,
    already_hidden: np.ndarray | None = None,
    always_shown: np.ndarray | None = None,
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
    check_counts(interior)
    rows, columns = interior.shape[0] + 1, interior.shape[1] + 1
    row_totals, column_totals = interior.sum(axis=1, keepdims=True), interior.sum(axis=0, keepdims=True)
    grid = np.block([[interior, row_totals], [column_totals, interior.sum(keepdims=True)]])
    masks = {}
    for name, mask in (("already_hidden", already_hidden), ("always_shown", always_shown)):
        if mask is not None and np.shape(mask) != grid.shape:
            raise DisclosureError(f"{name} must cover the table with its totals, {grid.shape}")
        masks[name] = np.zeros(grid.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    shown = masks["always_shown"]
    hidden = (is_small(grid, rule) | masks["already_hidden"]) & ~shown
    while _hide_one_more(grid, hidden, shown):
        pass
    exact = np.zeros(grid.shape, dtype=bool)
    if not round_totals:
        exact[-1, :] = exact[:, -1] = True
    published = np.where(exact, grid, rounded(grid, rule))
    values = [[None if hidden[i, j] else int(published[i, j]) for j in range(columns)] for i in range(rows)]
    entries = [[entry(values[i][j], rule, exact=exact[i, j]) for j in range(columns)] for i in range(rows)]
    cells_and_row_totals, column_totals_and_grand = entries[:-1], entries[-1]
    return ProtectedTable(
        cells=[row[:-1] for row in cells_and_row_totals],
        row_totals=[row[-1] for row in cells_and_row_totals],
        column_totals=column_totals_and_grand[:-1],
        grand_total=column_totals_and_grand[-1],
        hidden=hidden,
    )


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
    edges = list(zip(*np.nonzero(hidden), strict=True))
    for bridge in edges:
        side = _components(grid.shape, [edge for edge in edges if edge != bridge])
        row_side, column_side = side[bridge[0]], side[rows + bridge[1]]
        if row_side == column_side:
            continue
        # an entry joining the two sides the bridge separates puts the bridge on a cycle
        unhidden = list(zip(*np.nonzero(~hidden & ~shown), strict=True))
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
