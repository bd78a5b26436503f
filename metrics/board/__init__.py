"""The quarterly board pack: what the board reads before its meeting, made from the pages' own calls.

    period, previous = parse_period("2026 Q3"), previous_period(parse_period("2026 Q3"))
    pack = board_pack(con, period=period, previous=previous, rule=rule)   # every section's numbers
    pack.summary.needs_attention, pack.summary.changes, pack.summary.off_track

The summary's parts are small pure functions (`metrics.board.summary`) over the scorecard, the ward
funnel and the action plan, so the Overview can show the same sentences.
"""

from metrics.board.pack import BoardPack, board_pack
from metrics.board.period_text import PeriodTextError, latest_complete_quarter, parse_period, previous_period
from metrics.board.summary import (
    Change,
    ChangeSummary,
    OffTrackTarget,
    Summary,
    change_between,
    immature_outcomes,
    needs_attention,
    off_track_targets,
    summarise,
    what_changed,
)

__all__ = [
    "BoardPack",
    "Change",
    "ChangeSummary",
    "OffTrackTarget",
    "PeriodTextError",
    "Summary",
    "board_pack",
    "change_between",
    "immature_outcomes",
    "latest_complete_quarter",
    "needs_attention",
    "off_track_targets",
    "parse_period",
    "previous_period",
    "summarise",
    "what_changed",
]
