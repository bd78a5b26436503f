"""Sums the busiest pages read, built into each new warehouse version after `pipeline.precompute`'s.

- `precomputed_totals` (pipeline/totals.py): precompute's sums added up to the district and its commonest
  cuts, with the five-year spans the scorecard's sparklines draw and the residents' shares the local
  comparators read, for each year-long period offered;
- the rows of the Services page's queries (pipeline/precomputed_rows.py) and the coverage matrix's counts
  (metrics/coverage_counts.py), for each year-long period offered.
"""

from __future__ import annotations

import duckdb

from metrics import coverage_counts
from metrics.local_share import residents_of
from metrics.periods import annual_span
from metrics.queries import query_key
from metrics.registry import all_indicators, headline_indicators
from pipeline import precomputed_rows, totals
from pipeline.precompute import offered_periods
from pipeline.stale import Staleness
from pipeline.totals import ExtraWindows


def build(con: duckdb.DuckDBPyConnection, stale: Staleness | None = None) -> None:
    stale = stale or Staleness.everything(con)
    offered = offered_periods(con)
    sparklines = sorted({annual_span(period) for period in offered}, key=lambda span: (span.start, span.end))
    shares = {
        query_key(residents_of(indicator)): residents_of(indicator)
        for indicator in all_indicators()
        if indicator.local_share is not None
    }
    totals.build(
        con,
        [
            *(
                ExtraWindows(indicator, sparklines, by_year=True)
                for indicator in headline_indicators()
                if "year" in indicator.dimensions
            ),
            *(ExtraWindows(residents, offered) for residents in shares.values()),
        ],
        stale,
    )
    precomputed_rows.build(con, offered, stale)
    precomputed_rows.keep(
        con,
        coverage_counts.KEPT,
        offered,
        lambda period: coverage_counts.counted(con, period),
        stale,
        coverage_counts.QUERIES,
    )
