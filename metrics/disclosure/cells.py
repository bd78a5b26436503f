"""Counts and ratios one by one, and frames of cut rows checked against the totals beside them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

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
class ProtectedRatio:
    value: float | None
    is_suppressed: bool


def protect_count(count: int, rule: DisclosureRule) -> ProtectedCount:
    """One count under the rule: '*' when suppressed, else the rounded value."""
    counts = np.array([count])
    check_counts(counts)
    return entry(None if is_small(counts, rule)[0] else int(rounded(counts, rule)[0]), rule)


def protect_ratio(value: float | None, *, numerator: int, denominator: int, rule: DisclosureRule) -> ProtectedRatio:
    """A rate or percentage is hidden whenever its numerator or its denominator would be."""
    counts = np.array([numerator, denominator])
    check_counts(counts)
    if is_small(counts, rule).any():
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
    recompute: Mapping[str, Callable[[float, float], Sequence[float | None]]] | None = None,
) -> pl.DataFrame:
    """A copy of `df` safe to show: counts rounded or null with a `<col>_suppressed` flag.

    `ratio_columns` maps each rate/percentage column to its (numerator, denominator) columns; it is
    nulled, with its `interval_columns` (say its CI limits), when either count is hidden, and gets a
    `<ratio>_suppressed` flag. Rows whose `level_column` is in `unsuppressed_levels` are left as they
    are. Those rows are totals of the other rows in their `group_columns` group (a period, say), so
    where exactly one row of a group hides a count, the smallest other non-zero count is hidden too.
    Columns that add up to another column of the frame need `protect_table` instead.

    `recompute` gives, for a ratio, how it and its interval columns are worked out from (numerator,
    denominator): on every row not exempt where it is shown, they are worked out again from the counts as
    published, so the ratio says no more than they do (a percentage beside its exact count would give a
    rounded count back).
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
        shown = pl.Series(column, np.where(exempt, raw, rounded(raw, rule)), dtype=pl.Int64)
        blank = hidden[column] | df[column].is_null().to_numpy()
        replacements += [_blanked(shown, blank), pl.Series(f"{column}_suppressed", hidden[column])]
    for ratio, (numerator, denominator) in ratio_columns.items():
        blank = hidden[numerator] | hidden[denominator]
        derived = [df[column] for column in (ratio, *intervals.get(ratio, ()))]
        if recompute and ratio in recompute and not rule.is_identity:
            derived = _recomputed(df, derived, recompute[ratio], numerator, denominator, rule, exempt | blank)
        replacements += [_blanked(series, blank) for series in derived]
        replacements.append(pl.Series(f"{ratio}_suppressed", blank))
    return df.with_columns(replacements)


def _recomputed(
    df: pl.DataFrame,
    derived: list[pl.Series],
    formula: Callable[[float, float], Sequence[float | None]],
    numerator: str,
    denominator: str,
    rule: DisclosureRule,
    keep: np.ndarray,
) -> list[pl.Series]:
    """The ratio and its intervals worked out from the rounded counts on each row not in `keep`."""
    values = [series.cast(pl.Float64).to_list() for series in derived]
    numerators = rounded(df[numerator].fill_null(0).to_numpy().astype(np.int64), rule)
    denominators = rounded(df[denominator].fill_null(0).to_numpy().astype(np.int64), rule)
    missing = df[numerator].is_null().to_numpy() | df[denominator].is_null().to_numpy()
    for row in (int(index) for index in np.flatnonzero(~keep)):
        if values[0][row] is None or missing[row]:
            continue  # nothing was worked out here (no denominator, say), so nothing to work out again
        for column, value in zip(values, formula(float(numerators[row]), float(denominators[row])), strict=True):
            column[row] = value
    return [pl.Series(series.name, column, dtype=pl.Float64) for series, column in zip(derived, values, strict=True)]


def _blanked(series: pl.Series, mask: np.ndarray) -> pl.Series:
    return series.clone().scatter(np.flatnonzero(mask), None)


def _frame_column_hidden(
    column: pl.Series, rule: DisclosureRule, *, exempt: np.ndarray, groups: Iterable[np.ndarray]
) -> np.ndarray:
    """Primary suppression, then a second hidden row wherever a published total would give one away."""
    values = column.fill_null(0).to_numpy()
    check_counts(values)
    present = column.is_not_null().to_numpy()
    hidden = is_small(values, rule) & ~exempt
    for rows in groups:
        children = rows[~exempt[rows] & present[rows]]
        if exempt[rows].any() and hidden[children].sum() == 1:
            others = children[~hidden[children]]
            if others.size:
                # smallest non-zero first; a zero only when every other row is zero
                hidden[others[np.lexsort((values[others], values[others] == 0))[0]]] = True
    return hidden
