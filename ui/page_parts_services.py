"""Pieces of the Services and coverage page: its captions and alt texts, and the lists it shows in words.

Pure functions (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl

from metrics.disclosure import NOT_SHOWN
from metrics.periods import Period
from metrics.service_gaps import GapAnalysis
from ui.safe_text import plain

WORKBOOK_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_HELP = (
    "Summary, coverage, need against reach and capacity, capacity gaps, the service register, the indicators "
    "and how they were made, for the period and ward chosen. Small counts are hidden as on this page."
)
NO_DATA = "No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop."
NO_SERVICE = "No registered service serves this area: the service register names none for it."
NO_WARDS = "No wards are loaded, so coverage cannot be shown: the ward boundaries are missing from the drop."
NO_MARAC = "No MARAC indicators can be worked out for this selection."
NO_CAPACITY = "No registered service serves this area, so there is no capacity to set against demand."
NO_OUTCOMES = "No registered service serves this area, so there are no outcomes to show."
IDVA_ALT = (
    "For each ward, full-time IDVAs registered (squares), needed for the MARAC cases SafeLives expects (diamonds) "
    "and needed for the cases MARAC heard (triangles)."
)
BENCHMARKS_ALT = (
    "Shares of MARAC cases (repeats, referrals from other agencies, and victims in each group) with 95% "
    "intervals, each beside the SafeLives national figure drawn as a black line."
)
CAPACITY_NOTE = (
    "Each service's places for the period against the referrals it received and the support it started "
    "(whole service, across every ward it serves). Over 100% means more demand than places."
)
OUTCOMES_NOTE = (
    "Referrals received in the period; completion and disengagement are shares of support that started and "
    "has ended, with 95% limits. Support still going on is left out."
)
GAPS_IN_WORDS = 8  # gaps listed under the heat map; the rest sit in the expander below it
MARAC_TILES = ("marac_cases_per_10000_women", "marac_repeat_pct")


def bullets(lines: Iterable[str]) -> str:
    """Lines of data text as a Markdown list, each made plain."""
    return "\n".join(f"- {plain(line)}" for line in lines)


def showing_caption(analysis: GapAnalysis, *, period_label: str, refreshed_at: datetime) -> str:
    return plain(
        f"Showing {period_label} for {analysis.area}; data as at {refreshed_at:%d %B %Y, %H:%M}. "
        "Client groups are the columns of this page, so the sex, age and ethnic group filters do not apply here. "
        f"* means {NOT_SHOWN}."
    )


def workbook_file_name(ward_code: str | None, period: Period) -> str:
    return f"gap-analysis-{ward_code or 'district'}-{period.start}-{period.end}.xlsx"


def gap_caption(analysis: GapAnalysis) -> str:
    """What a gap, unmet need and contract risk mean, under the commissioning headline."""
    return (
        f"A gap: {analysis.assumptions.stated()[0][1]}. Unmet need is estimated need less the people whose "
        "support started, with 95% limits. Contract risk counts from the data date "
        f"({analysis.data_date:%d %B %Y})."
    )


def assumption_lines(analysis: GapAnalysis) -> str:
    return "\n".join(f"- **{plain(name)}**: {plain(value)}" for name, value in analysis.assumptions.stated())


def map_alt(analysis: GapAnalysis) -> str:
    return (
        f"Map of the district's wards with a marker at each base of the {analysis.register.height} services "
        f"serving {analysis.area}; the table lists every service."
    )


def not_on_map_caption(analysis: GapAnalysis) -> str | None:
    """The services the map cannot place, or None when every one has a base."""
    if not analysis.services_without_base:
        return None
    return plain(
        "Not on the map (no base held; a refuge's address is kept confidential): "
        + ", ".join(analysis.services_without_base)
        + "."
    )


def chosen_ward(event: object) -> str | None:
    """The ward a click on the map chose, if any."""
    points = getattr(getattr(event, "selection", None), "points", None) if event else None
    chosen = [point.get("location") for point in (points or []) if point.get("location")]
    return chosen[0] if chosen else None


def heatmap_alt(analysis: GapAnalysis) -> str:
    return (
        f"Heat map of {analysis.area}: wards down, client groups across; each cell gives the people with estimated "
        f"need not reached, darker where more, with a cross where no service takes the group and a down arrow "
        f"where reach is below {analysis.assumptions.reach_gap_pct:g}% of need."
    )


def marac_tiles(analysis: GapAnalysis) -> list[dict]:
    """The MARAC headline rows the area has, for the tiles."""
    return [row for row in (analysis.indicator(indicator_id) for indicator_id in MARAC_TILES) if row]


def tile_comparisons(tiles: list[dict]) -> pl.DataFrame:
    """The tiles' comparisons as a frame, for the page's count of comparisons."""
    return pl.DataFrame({"comparison": [row.get("comparison") for row in tiles]}, schema={"comparison": pl.String})
