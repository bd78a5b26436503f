"""Who is looking: the audience decides which disclosure rule applies to everything shown."""

from __future__ import annotations

from metrics.disclosure import Audience, DisclosureRule, rule_for
from oversight.settings import get_settings


def current_audience() -> Audience:
    """Board members see suppressed aggregates only; this is the safe default for every page."""
    return Audience.BOARD


def current_rule() -> DisclosureRule:
    return rule_for(current_audience(), get_settings())
