"""The local-population comparator: a group's share of MARAC cases (say) beside its share of residents.

An indicator declaring a `LocalShare` is compared twice: with its benchmark or the district, and
with the share of local residents in the same group for the same cut (a ward's cases with that
ward's adults, women's cases with women residents). The share is a fixed comparator, like a
benchmark: the population estimate carries no sampling interval.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from metrics.aggregate import PERSON_COLUMNS, GroupFilters, UnsupportedCut, aggregate
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period

LocalComparators = dict[str | None, tuple[str, float]]  # cut value (None: every row) -> (name, share)


def local_comparators(
    con: duckdb.DuckDBPyConnection, indicator: Indicator, period: Period, *, by: str | None, groups: GroupFilters,
) -> LocalComparators:
    """The residents' share for each cut value, in the indicator's units; empty where it cannot be known."""
    if indicator.local_share is None:
        return {}
    residents = replace(indicator, query=indicator.local_share.query, denominator_source=Denominator.EVENTS)
    # Residents do not change within a period, so a month or year cut takes the whole period's share.
    dims = (by,) if by in PERSON_COLUMNS else ()
    try:
        shares = aggregate(con, residents, period, dims=dims, filters=groups)
    except UnsupportedCut:  # e.g. cut by ethnic group when the population is not split by it
        return {}
    name = indicator.local_share.name
    comparators: LocalComparators = {}
    for row in shares.iter_rows(named=True):
        if row["denominator"] and row["denominator"] > 0 and row["numerator"] is not None:
            key = str(row[by]) if dims else None
            comparators[key] = (name, row["numerator"] / row["denominator"] * indicator.multiplier)
    return comparators
