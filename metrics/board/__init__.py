"""The quarterly board pack: what the board reads before its meeting, made from the pages' own calls.

    period, previous = parse_period("2026 Q3"), previous_period(parse_period("2026 Q3"))   # period_text
    pack = board_pack(con, period=period, previous=previous, rule=rule)   # pack: every section's numbers
    pack.summary.needs_attention, pack.summary.changes, pack.summary.off_track

The summary's parts are small pure functions (`metrics.board.summary`) over the scorecard, the ward
funnel and the action plan, so the Overview can show the same sentences.

Import from the modules themselves: this package imports none of them, so reading a period's text
(the nightly refresh does) does not load the statistics the pack needs.
"""
