"""Sums the busiest pages read, built into each new warehouse version after `metrics.precompute`'s.

- `precomputed_totals` (metrics/totals.py): precompute's sums added up to the district and its commonest
  cuts, with the five-year spans the scorecard's sparklines draw and the residents' shares the local
  comparators read, for each year-long period offered;
- the rows of the Services page's queries (metrics/precomputed_rows.py) and the coverage matrix's counts
  (metrics/coverage_counts.py), for each year-long period offered.
"""

from __future__ import annotations

import duckdb

from metrics import coverage_counts, precompute, precomputed_rows, totals
from metrics.local_share import residents_of
from metrics.registry import all_indicators, headline_indicators
from metrics.scorecard import annual_span
from metrics.totals import ExtraWindows


def build(con: duckdb.DuckDBPyConnection) -> None:
    offered = precompute.offered_periods(con)
    sparklines = sorted({annual_span(period) for period in offered}, key=lambda span: (span.start, span.end))
    shares = {precompute.query_key(residents_of(indicator)): residents_of(indicator)
              for indicator in all_indicators() if indicator.local_share is not None}
    totals.build(con, [*(ExtraWindows(indicator, sparklines, by_year=True)
                         for indicator in headline_indicators() if "year" in indicator.dimensions),
                       *(ExtraWindows(residents, offered) for residents in shares.values())])
    precomputed_rows.build(con, offered)
    coverage_counts.keep(con, offered)

