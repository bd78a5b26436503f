"""Where a refresh spends its time, stage by stage, summed over the files of a drop.

The totals go into the run log with each refresh, so an analyst can see which stage grew
when a nightly load slows down, and the benchmark can report the split.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

StageSeconds = dict[str, float]

# The stages of loading a drop's files, in the order a file goes through them (etl.load and the refresh
# time each under these names; the benchmarks report them in this order).
LOAD_STAGES = (
    "fingerprint",
    "read",
    "identifier guard",
    "contract checks",
    "warehouse checks",
    "rejects",
    "staging",
    "commit",
)


@contextmanager
def timed(seconds: StageSeconds | None, stage: str) -> Iterator[None]:
    """Add the time spent in the block to `seconds[stage]` (nothing when `seconds` is None)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if seconds is not None:
            seconds[stage] = round(seconds.get(stage, 0.0) + time.perf_counter() - started, 6)
