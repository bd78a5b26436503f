"""The indicator registry: every indicator declared once.

Pages, exports, the CLI and the generated indicator reference all read these entries. The
numbers behind an indicator come from `metrics/sql/<query>.sql`, which returns one row per
event or person with its cut columns and its numerator and denominator contributions;
`metrics.compute` does the rest.
"""

from __future__ import annotations

from metrics.definitions import Indicator
from metrics.indicators import INDICATORS


class UnknownIndicator(KeyError):
    """No indicator is registered under this id."""


def _index(indicators: tuple[Indicator, ...]) -> dict[str, Indicator]:
    index: dict[str, Indicator] = {}
    for indicator in indicators:
        if indicator.id in index:
            raise ValueError(f"indicator {indicator.id} is declared twice")
        index[indicator.id] = indicator
    return index


BY_ID = _index(INDICATORS)


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise UnknownIndicator(f"no indicator {indicator_id!r}; `oversight indicators` lists them") from None


def all_indicators() -> tuple[Indicator, ...]:
    return INDICATORS


def headline_indicators() -> tuple[Indicator, ...]:
    return tuple(indicator for indicator in INDICATORS if indicator.headline)


def benchmark_named(indicator_id: str, label: str | None):
    """The registered benchmark a result row was compared with (its `comparator` is the benchmark's label), so
    a page can show its source beside its name and year; None for the district or an unknown label."""
    if not label:
        return None
    try:
        indicator = get(indicator_id)
    except UnknownIndicator:
        return None
    return next((benchmark for benchmark in indicator.benchmarks if benchmark.label == label), None)
