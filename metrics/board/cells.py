"""How the pack writes a count or a ratio: through the disclosure module, at every level.

The pages show district totals as they are; a pack is a paper that is forwarded and kept, and a
quarter's district total can be small (six convictions), so the pack also hides district counts
from 1 to the threshold, and any ratio built on one. Counts below district level arrive already
rounded and suppressed by `compute` and are only written here.
"""

from __future__ import annotations

from metrics.disclosure import SUPPRESSED_TEXT, DisclosureRule, protect_count, protect_ratio


def count_text(count: int | float | None, rule: DisclosureRule, *, suppressed: bool = False) -> str:
    """A count as the pack prints it: '*' when hidden (here or upstream), else with thousands separators."""
    if suppressed or count is None:
        return SUPPRESSED_TEXT
    whole = round(count)
    if protect_count(whole, rule).is_suppressed:
        return SUPPRESSED_TEXT
    return f"{whole:,}"


def ratio_text(
    value: float | None,
    numerator: int | float | None,
    denominator: int | float | None,
    rule: DisclosureRule,
    *,
    digits: int = 1,
    suffix: str = "",
) -> str:
    """A rate or percentage, hidden with its numerator or denominator."""
    if value is None or numerator is None or denominator is None:
        return SUPPRESSED_TEXT
    if protect_ratio(value, numerator=round(numerator), denominator=round(denominator), rule=rule).is_suppressed:
        return SUPPRESSED_TEXT
    return f"{value:,.{digits}f}{suffix}"
