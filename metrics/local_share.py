"""The local-population comparator: a group's share of MARAC cases (say) beside its share of residents.

An indicator declaring a `LocalShare` is compared twice: with its benchmark or the district, and
with the share of local residents in the same group for the same cut (a ward's cases with that
ward's adults, women's cases with women residents). The share is a fixed comparator, like a
benchmark: the population estimate carries no sampling interval.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from metrics.aggregate import PERSON_COLUMNS, Ask, GroupFilters, UnsupportedCut
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period

LocalComparators = dict[str | None, tuple[str, float]]  # cut value (None: every row) -> (name, share)


def local_share_ask(indicator: Indicator, period: Period, *, by: str | None, groups: GroupFilters) -> Ask | None:
    """The residents' shares to sum for an indicator declaring a local share (None: it declares none)."""
    if indicator.local_share is None:
        return None
    # Residents do not change within a period, so a month or year cut takes the whole period's share.
    return Ask(residents_of(indicator), period, (by,) if by in PERSON_COLUMNS else (), groups)


def residents_of(indicator: Indicator) -> Indicator:
    """The indicator's local share read as an indicator: residents in the group over the residents it is a share of."""
    if indicator.local_share is None:
        raise ValueError(f"{indicator.id} declares no local share")
    return replace(
        indicator, query=indicator.local_share.query, denominator_source=Denominator.EVENTS, grain=indicator.local_share.grain
    )


def local_comparators(indicator: Indicator, by: str | None, shares: pl.DataFrame | UnsupportedCut | None) -> LocalComparators:
    """The residents' share for each cut value, in the indicator's units, from the sums of `local_share_ask`;
    empty where it cannot be known (e.g. cut by ethnic group when the population is not split by it)."""
    if shares is None or isinstance(shares, UnsupportedCut) or indicator.local_share is None:
        return {}
    name = indicator.local_share.name
    comparators: LocalComparators = {}
    for row in shares.iter_rows(named=True):
        if row["denominator"] and row["denominator"] > 0 and row["numerator"] is not None:
            key = str(row[by]) if by in PERSON_COLUMNS else None
            comparators[key] = (name, row["numerator"] / row["denominator"] * indicator.multiplier)
    return comparators
