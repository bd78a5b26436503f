"""Which wards lose most of their cases at a stage of the justice path: each ward's value of an attrition
indicator against the district, worst first (Fingertips' comparison, through `compute`)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import UnsupportedCut
from metrics.compare import Comparison, Polarity
from metrics.compute import Filters, compute
from metrics.definitions import Topic
from metrics.disclosure import DisclosureRule
from metrics.periods import Period
from metrics.registry import get

WORST_FIRST = {
    Comparison.WORSE_998: 0,
    Comparison.WORSE: 1,
    Comparison.SIMILAR: 2,
    Comparison.BETTER: 3,
    Comparison.BETTER_998: 4,
    Comparison.NOT_COMPARED: 5,
}
HOTSPOT = (Comparison.WORSE.value, Comparison.WORSE_998.value)


def attrition_hotspots(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, indicator_id: str = "charge_rate_pct"
) -> pl.DataFrame:
    """Each ward's value of an attrition indicator against the district, worst first.

    The comparison is Fingertips': a ward is significantly worse when the district value lies outside
    its 95% (or 99.8%) Wilson interval on the bad side; `is_hotspot` marks those wards.
    """
    indicator = get(indicator_id)
    if indicator.topic is not Topic.ATTRITION or indicator.polarity is Polarity.NO_JUDGEMENT:
        raise UnsupportedCut(f"{indicator_id} is not an attrition indicator with a better and a worse direction")
    wards = compute(con, indicator_id, Filters(period=period, by="ward"), rule=rule, with_trend=False)
    rank = pl.col("comparison").replace_strict({key.value: value for key, value in WORST_FIRST.items()}, default=5)
    worse_first = pl.col("value") if indicator.polarity is Polarity.HIGH_IS_GOOD else -pl.col("value")
    return (
        wards.with_columns(is_hotspot=pl.col("comparison").is_in(HOTSPOT), _rank=rank, _order=worse_first)
        .sort(["_rank", "_order", "cut_value"], nulls_last=True)
        .drop("_rank", "_order")
    )
