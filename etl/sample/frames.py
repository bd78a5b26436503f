"""Turning numpy draws into polars columns: labels from indices, ids from numbers, sparse flags."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

# Ids are zero-padded to seven digits so that every file spells the same person the same way
# (ten million people covers a district a hundred times the sample's size).
ID_WIDTH = 7


def pick(name: str, labels: Sequence[str], index: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Labels chosen by index (gathered in polars, so millions of rows stay cheap); null where not valid."""
    chosen = pl.Series(name, list(labels), dtype=pl.String).gather(np.asarray(index, dtype=np.int64))
    if valid is None:
        return chosen.alias(name)
    return _null_where(chosen.alias(name), ~np.asarray(valid, dtype=bool))


def make_ids(name: str, prefix: str, numbers: np.ndarray, *, width: int = ID_WIDTH, valid: np.ndarray | None = None) -> pl.Series:
    """Ids such as `V0000123`: zero-padded, and wider only if a number outgrows the width."""
    numbers = np.asarray(numbers, dtype=np.int64)
    digits = max(width, len(str(int(numbers.max())))) if numbers.size else width
    ids = pl.lit(prefix) + pl.Series(numbers).cast(pl.String).str.zfill(digits)
    series = pl.select(ids.alias(name)).to_series()
    if valid is None:
        return series
    return _null_where(series, ~np.asarray(valid, dtype=bool))


def flags(name: str, values: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(name, np.asarray(values, dtype=bool))
    return series if valid is None else _null_where(series, ~np.asarray(valid, dtype=bool))


def counts(name: str, values: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(name, np.asarray(values, dtype=np.int64))
    return series if valid is None else _null_where(series, ~np.asarray(valid, dtype=bool))


def _null_where(series: pl.Series, missing: np.ndarray) -> pl.Series:
    if not missing.any():
        return series
    return series.scatter(np.flatnonzero(missing), None)


def draw(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    """Category indices drawn with the given (unnormalised) weights."""
    weights = np.asarray(weights, dtype=float)
    return rng.choice(weights.size, size=size, p=weights / weights.sum())


def draw_rows(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each item, a category drawn from its own row of a weights table.

    Rows are laid end to end on one number line (row r spans r to r + 1), so a single sorted
    search serves every item without building an items x categories array.
    """
    table = np.asarray(table, dtype=float)
    n_rows, n_categories = table.shape
    within = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    within[:, -1] = 1.0
    edges = (np.arange(n_rows)[:, None] + within).reshape(-1)
    position = np.searchsorted(edges, rows + rng.random(rows.size), side="right")
    return np.minimum(position - rows * n_categories, n_categories - 1)


def group_starts(group_sizes: np.ndarray) -> np.ndarray:
    """Offset of each group's first element when groups of these sizes are laid end to end."""
    return np.concatenate([[0], np.cumsum(group_sizes)[:-1]]).astype(np.int64)


def position_in_group(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within each group, for groups laid end to end."""
    total = int(group_sizes.sum())
    starts = np.repeat(group_starts(group_sizes), group_sizes)
    return np.arange(total, dtype=np.int64) - starts
