"""The Overview's "what changed" lines from a literal summary."""

from __future__ import annotations

import polars as pl

from metrics.board.overview import Overview
from metrics.board.summary import Change, ChangeSummary
from metrics.periods import quarter
from ui.overview_text import change_lines


def lines_for(changes: ChangeSummary) -> list[str]:
    return change_lines(Overview(quarter(2026, 3), quarter(2026, 2), (), pl.DataFrame(), changes, ()))


def test_a_change_to_watch_keeps_an_acronym_in_capitals_and_lower_cases_a_word():
    watched = (
        Change("charge_rate_pct", "CPS charging decisions", "%", 60.0, 70.0, 0.01, "rose", "better"),
        Change("conviction_rate_pct", "Convictions", "%", 70.0, 60.0, 0.01, "fell", "worse"),
    )
    assert lines_for(ChangeSummary((), watched, (), ()))[1:3] == [
        "Possibly: CPS charging decisions rose from 60.0 to 70.0% (better). Watch it; chance could still explain it.",
        "Possibly: convictions fell from 70.0 to 60.0% (worse). Watch it; chance could still explain it.",
    ]


def test_outcomes_not_yet_complete_are_counted_as_not_compared_yet():
    # one clause beside the steady indicators, so the first screen stays one screen
    assert lines_for(ChangeSummary((), (), ("Repeat victims", "Incidents"), (), ("Charge rate", "Conviction rate")))[-1] == (
        "No real change in 2 indicators; 2 outcome rates not compared yet (too recent)."
    )
    assert lines_for(ChangeSummary((), (), (), (), ("Charge rate",)))[-1] == "1 outcome rate not compared yet (too recent)."


def test_unusual_months_on_the_spc_chart_are_no_real_change():
    """A special cause fires by chance alone in about one chart in 30 a quarter: it is a prompt to look, listed
    after the tested changes, and the board still hears that nothing changed beyond chance."""
    unusual = ("Charge rate: 1 month of 2026 Q3 outside its usual variation (high).",)
    lines = change_lines(
        Overview(quarter(2026, 3), quarter(2026, 2), (), pl.DataFrame(), ChangeSummary((), (), ("Charge rate",), ()), unusual)
    )
    assert lines == [
        "No indicator changed by more than chance explains.",
        "Charge rate: 1 month of 2026 Q3 outside its usual variation (high); worth a look, not a tested change.",
        "No real change in 1 indicator.",
    ]


def test_periods_the_data_do_not_cover_whole_are_named_as_not_compared():
    changes = ChangeSummary((), (), (), (), (), (("the data do not cover 2026 whole", ("Incidents", "Repeat victims")),))
    assert lines_for(changes)[-1] == "Not compared, because the data do not cover 2026 whole: Incidents, Repeat victims."
