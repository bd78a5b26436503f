"""A cohort's journey from entry to outcome: people reaching each step, the share of the cohort and of
the step before, and median days between steps, ready for a Sankey (each step is a node; its link runs
from the step before, carrying the same people).

People are followed from their first entry to the cohort in the period until the data ends, so the
latest entrants have had less time to reach later steps. So the median days from entry to each step
come from a Kaplan-Meier curve (`km_median_days_from_entry`), with people who had not reached the step
by the end of their follow-up censored there, and beside it the share of the cohort the curve says never
reached the step in follow-up (`never_reached_pct`; the curve's last value). The medians among those who
reached a step (`median_days_from_entry`, `median_days_from_previous`) are kept for the days between steps,
and are never shown alone: they leave out everyone still waiting. Under a rule that protects counts, the curve
is a weekly life table over counts rounded as the rule publishes them (`published_life_table_summary`), the
medians are whole days, and the 10 people a median needs are judged on the published counts.
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters
from metrics.disclosure import NOT_SHOWN, DisclosureRule, is_small_count, protect_frame, shown_count, wilson_percent
from metrics.journeys.common import MIN_PEOPLE_FOR_DAYS, cohort_of, journey_sql, run
from metrics.periods import Period
from metrics.stats import wilson_ci

STEP_LABELS = {
    "entry": "Entered the cohort",
    "marac": "Heard at MARAC",
    "referred": "Referred to a specialist service",
    "support_started": "Specialist support started",
    "support_completed": "Support completed",
    "support_disengaged": "Disengaged from support",
    "crime_recorded": "Crime recorded",
    "arrested": "Suspect arrested",
    "charge_decided": "Charge decision made",
    "charged": "Charged",
    "court_outcome": "Court outcome",
    "convicted": "Convicted",
    "repeat_incident": "Another incident within 12 months",
    "school_notified": "School notified",
    "mash_contact": "MASH contact about a child",
    "mash_decided": "MASH decision made",
}

COUNT_COLUMNS = ["people", "cohort_people", "previous_people"]


def journey_steps(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    cohort: str,
    period: Period,
    groups: GroupFilters = GroupFilters(),
    min_people_for_days: int = MIN_PEOPLE_FOR_DAYS,
) -> pl.DataFrame:
    """One row per step: people, shares with 95% Wilson limits, median days; disclosure control applied.

    `previous_step` names the node a Sankey link comes from (null for the entry); a link carries the
    step's `people`, as only people who reached the step before are counted at a step.
    """
    cohort_of(cohort)
    raw = run(con, journey_sql("journey_steps", groups=groups), period=period, groups=groups, cohort=cohort)
    cohort_people = int(raw.filter(pl.col("step") == "entry")["people"][0])
    previous = dict(zip(raw["step"], raw["people"], strict=True))
    times = run(con, journey_sql("journey_step_times", groups=groups), period=period, groups=groups, cohort=cohort)
    # Under a rule that protects counts, the curve is worked out from counts as the rule would publish them: the
    # share never reached, from the exact curve, is (cohort - reached) / cohort once follow-up is over, and so
    # would give both counts back.
    summary = kaplan_meier_summary if rule.is_identity else lambda frame: published_life_table_summary(frame, rule)
    kaplan_meier = {step: summary(frame) for (step,), frame in times.group_by("step")}
    rows = []
    for row in raw.iter_rows(named=True):
        before = previous.get(row["previous_step"], cohort_people) if row["previous_step"] else cohort_people
        of_cohort = _share(row["people"], cohort_people)
        rows.append(
            {
                "step_order": row["step_order"],
                "step": row["step"],
                "label": STEP_LABELS[row["step"]],
                "previous_step": row["previous_step"],
                "previous_label": STEP_LABELS.get(row["previous_step"]) if row["previous_step"] else None,
                "people": row["people"],
                "cohort_people": cohort_people,
                "previous_people": before,
                "share_of_cohort_pct": of_cohort[0],
                "share_lower_95": of_cohort[1],
                "share_upper_95": of_cohort[2],
                "share_of_previous_pct": _share(row["people"], before)[0],
                "median_days_from_entry": _days(row["median_days_from_entry"], row["people"], min_people_for_days, rule),
                "median_days_from_previous": _days(row["median_days_from_previous"], row["people"], min_people_for_days, rule),
                **_kaplan_meier_columns(row["step"], kaplan_meier, shown_count(cohort_people, rule), min_people_for_days),
            }
        )
    frame = pl.DataFrame(rows, schema=_schema())
    # the entry is the cohort itself, protected like every count
    protected = protect_frame(
        frame,
        rule=rule,
        count_columns=COUNT_COLUMNS,
        ratio_columns={
            "share_of_cohort_pct": ("people", "cohort_people"),
            "share_of_previous_pct": ("people", "previous_people"),
            "median_days_from_entry": ("people", "people"),
            "median_days_from_previous": ("people", "people"),
            "km_median_days_from_entry": ("people", "people"),
            "never_reached_pct": ("people", "cohort_people"),
        },
        interval_columns={"share_of_cohort_pct": ("share_lower_95", "share_upper_95")},
        recompute={"share_of_cohort_pct": wilson_percent(1), "share_of_previous_pct": wilson_percent(1, limits=False)},
    )
    return protected.with_columns(
        note=pl.when(pl.col("people_suppressed")).then(pl.lit(NOT_SHOWN)).otherwise(pl.lit(None, dtype=pl.String)),
        disclosure_rule=pl.lit(rule.describe()),
    )


def kaplan_meier_summary(times: pl.DataFrame) -> tuple[float | None, float]:
    """(median days, share never reached in follow-up %) of one step's (days, is_event, people) counts.

    The median is the first day the Kaplan-Meier curve of not yet reaching the step falls to 0.5 or below
    (None when it never does: fewer than half are seen to reach it); the share never reached is the curve's
    value after its last day.
    """
    by_day = (
        times.group_by("days")
        .agg(events=pl.col("people").filter(pl.col("is_event")).sum(), people=pl.col("people").sum())
        .sort("days")
    )
    at_risk = int(by_day["people"].sum())
    surviving, median = 1.0, None
    for days, events, people in by_day.iter_rows():
        if at_risk > 0 and events:
            surviving *= 1 - events / at_risk
        if median is None and surviving <= 0.5:
            median = float(days)
        at_risk -= people
    return median, 100 * surviving


LIFE_TABLE_DAYS = 7  # the width of a life table's intervals, as the survival curves' points


def published_life_table_summary(times: pl.DataFrame, rule: DisclosureRule) -> tuple[float | None, float | None]:
    """(median days, share never reached in follow-up %) as `kaplan_meier_summary`, but from an actuarial life table
    over weekly intervals whose counts (people reached by each week's end, people still followed) are rounded as
    the rule publishes a count, so the figures say no more than rounded counts do. The median is the end of the
    first week by which the table falls to 0.5 or below. Once the people still followed are a count the rule hides,
    the table stops and the share never reached is not given: rounded, so few people would make it up."""
    days = times["days"].to_numpy()
    events = times["is_event"].to_numpy().astype(bool)
    people = times["people"].to_numpy()
    total = int(people.sum())
    if not total:
        return None, 100.0
    last = int(days.max()) if days.size else 0
    survival, median = 1.0, None
    reached_before, followed_before = 0.0, shown_count(float(total), rule)
    for end in range(LIFE_TABLE_DAYS, last + LIFE_TABLE_DAYS + 1, LIFE_TABLE_DAYS):
        reached = shown_count(float(people[(days < end) & events].sum()), rule)
        still_followed = float(people[days >= end].sum())
        if is_small_count(still_followed, rule):
            return median, None
        followed = shown_count(still_followed, rule)
        new_events = max(reached - reached_before, 0.0)
        left = max(followed_before - followed - new_events, 0.0)  # follow-up ended without reaching the step
        exposed = max(followed_before - left / 2, new_events)
        if exposed > 0:
            survival *= 1 - new_events / exposed
        if median is None and survival <= 0.5:
            median = float(end)
        reached_before, followed_before = reached, followed
        if not followed:
            break
    return median, 100 * survival


def _kaplan_meier_columns(step: str, summaries: dict, cohort_people: float, min_people: int) -> dict:
    if step == "entry":
        return {"km_median_days_from_entry": 0.0 if cohort_people else None, "never_reached_pct": 0.0 if cohort_people else None}
    median, never = summaries.get(step, (None, None))
    if cohort_people < min_people:
        return {"km_median_days_from_entry": None, "never_reached_pct": None}
    return {"km_median_days_from_entry": median, "never_reached_pct": None if never is None else round(never, 1)}


def _share(people: int, of: int) -> tuple[float | None, float | None, float | None]:
    if not of:
        return None, None, None
    interval = wilson_ci(people, of)
    return _round1(interval.value), _round1(interval.lower), _round1(interval.upper)


def _round1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _days(median: float | None, people: int, min_people: int, rule: DisclosureRule) -> float | None:
    """A median number of days, given when at least `min_people` reached the step as the rule publishes their count.
    Under a protecting rule it is whole days: a median of an even number of whole days ends in a half, and its
    tenths would tell the count's last digit."""
    if median is None or shown_count(people, rule) < min_people:
        return None
    return round(float(median), 1) if rule.is_identity else float(round(median))


def _schema() -> dict:
    return {
        "step_order": pl.Int64,
        "step": pl.String,
        "label": pl.String,
        "previous_step": pl.String,
        "previous_label": pl.String,
        "people": pl.Int64,
        "cohort_people": pl.Int64,
        "previous_people": pl.Int64,
        "share_of_cohort_pct": pl.Float64,
        "share_lower_95": pl.Float64,
        "share_upper_95": pl.Float64,
        "share_of_previous_pct": pl.Float64,
        "median_days_from_entry": pl.Float64,
        "median_days_from_previous": pl.Float64,
        "km_median_days_from_entry": pl.Float64,
        "never_reached_pct": pl.Float64,
    }
