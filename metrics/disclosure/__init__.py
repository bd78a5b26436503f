"""Disclosure control, the one place it is done: every count shown or exported below district
level passes through here (scope.py: what is protected, and the counts a protected figure is worked
out from; rule.py: the rule and who it applies to; cells.py: counts, ratios and frames; tables.py:
two-way tables with margins).

Rule (NHS Digital, sub-national counts): 0 stays 0; 1..threshold is shown as `*`; larger counts are
rounded to the nearest multiple of the rounding base, halves up. Rounding must never publish a value
in 1..threshold, which could happen when the base is wide against the threshold (threshold 12, base
10: 13 rounds to 10); such counts are published as the first multiple above the threshold (13 -> 20).
So every published non-zero count is a multiple of the base greater than the threshold.

Suppressing a cell is not enough where totals are published: a hidden cell could be recovered by
subtracting the published cells from the total. `protect_table` and `protect_frame` add secondary
suppression; see `protect_table` for the guarantee.
"""

from metrics.disclosure.cells import (
    ProtectedRatio,
    protect_count,
    protect_frame,
    protect_ratio,
)
from metrics.disclosure.rule import (
    DERIVED_FROM_PROTECTED,
    NOT_SHOWN,
    SUPPRESSED_TEXT,
    Audience,
    DisclosureError,
    DisclosureRule,
    ProtectedCount,
    rule_for,
)
from metrics.disclosure.scope import (
    PERIOD_CUTS,
    PROTECTED_SCOPE,
    is_protected,
    is_small_count,
    plain_percent,
    shown_count,
    wilson_percent,
)
from metrics.disclosure.tables import ProtectedTable, protect_table

__all__ = [
    "DERIVED_FROM_PROTECTED",
    "NOT_SHOWN",
    "PERIOD_CUTS",
    "PROTECTED_SCOPE",
    "SUPPRESSED_TEXT",
    "Audience",
    "DisclosureError",
    "DisclosureRule",
    "ProtectedCount",
    "ProtectedRatio",
    "ProtectedTable",
    "is_protected",
    "is_small_count",
    "plain_percent",
    "protect_count",
    "protect_frame",
    "protect_ratio",
    "protect_table",
    "rule_for",
    "shown_count",
    "wilson_percent",
]
