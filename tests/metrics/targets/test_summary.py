"""The board summary: counts per priority that add up, and who holds the targets off track."""

from __future__ import annotations

from datetime import date

from metrics.targets import KnownValues, Target, assess, board_summary, smart_problem_lines, targets_table

AS_OF = date(2026, 11, 26)
YEARS = {date(year, 3, 31): (80.0, 79.0, 81.0) for year in range(2022, 2027)}


def target(target_id: str, priority: str | None, owner: str | None, goal: float, **changes) -> Target:
    fields = {
        "id": target_id,
        "priority": priority,
        "objective": "Speak to every child",
        "indicator": "child_spoken_to_pct",
        "baseline": {"value": 80.0, "period": "2022/23"},
        "target": {"value": goal, "by": date(2028, 3, 31)},
        "kind": "absolute",
        "owner": owner,
    }
    fields.update(changes)
    return Target.model_validate({key: value for key, value in fields.items() if value is not None})


def assessments():
    source = KnownValues({**YEARS, date(2026, 9, 30): (80.0, 79.0, 81.0)})
    plan = [
        target("P-1", "protection", "Chief Inspector", 95.0),  # path at 30 Sep 2026 is 90.5: off track
        target("P-2", "protection", "MARAC Chair", 78.0),  # already met
        target("P-3", "protection", None, 95.0),  # off track, and not SMART: no owner
        target("S-1", "prosecution", "CPS Lead", 81.0),  # path at 80.7: within uncertainty
        target("S-2", "prosecution", "CPS Lead", 90.0, indicator="no_such_indicator"),  # not assessable
        target("X-1", "housing", "Someone", 95.0),  # not linked to a priority
    ]
    return [assess(item, source, as_of=AS_OF) for item in plan]


def test_counts_per_priority_add_up_and_name_the_owners_off_track():
    frame, lines = board_summary(assessments())
    rows = {row["priority"]: row for row in frame.to_dicts()}
    assert list(rows) == ["prevention", "provision", "protection", "prosecution", "not linked to a priority", "all priorities"]
    protection = rows["protection"]
    assert (protection["targets"], protection["smart"], protection["met"], protection["off_track"]) == (3, 2, 1, 2)
    assert protection["off_track_targets"] == "P-1, P-3"
    assert protection["off_track_owners"] == "Chief Inspector; no named owner"
    prosecution = rows["prosecution"]
    assert (prosecution["within_uncertainty"], prosecution["not_assessable"], prosecution["off_track"]) == (1, 1, 0)
    everything = rows["all priorities"]
    counted = sum(
        everything[column]
        for column in ("met", "on_track", "within_uncertainty", "off_track", "missed", "no_trajectory", "not_assessable")
    )
    assert everything["targets"] == counted == 6 and everything["smart"] == 3
    assert lines[0] == "Prevention: no targets."
    assert lines[2] == (
        "Protection: 3 targets, 2 SMART; 1 met, 2 off track. Off track or missed: P-1 (Chief Inspector), P-3 (no named owner)."
    )
    assert lines[3] == "Prosecution: 2 targets, 1 SMART; 1 within uncertainty, 1 not assessable."


def test_the_terminal_table_and_problem_lines_read_plainly():
    results = assessments()
    table = targets_table(results)
    assert table.row(0, named=True) == {
        "target": "P-1",
        "SMART": "yes",
        "now (95% interval)": "80.0 (79.0-81.0)",
        "aim": "95.0 by 2028-03-31",
        "status": "off track",
        "forecast": "80.0, likely to be missed",
        "owner": "Chief Inspector",
    }
    problems = smart_problem_lines(results)
    # The history is flat, so every change asked for is far beyond it: a warning, which leaves P-1 SMART.
    assert problems[0].startswith("P-1: achievable warning: needs a change of 3.0 a year, more than twice")
    assert any(line.startswith("P-3: specific failed: no named owner answers for it;") for line in problems)
    assert any(line.startswith("X-1: ") and "relevant failed: priority 'housing'" in line for line in problems)
