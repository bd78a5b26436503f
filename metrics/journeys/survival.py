"""Time to specialist support and time to a repeat incident: Kaplan-Meier curves with 95% bands,
compared between wards or groups with the log-rank test, described in words.

The curves are fitted from counts of people per (group, day, outcome), never from person rows, and
only curve points are returned. People whose follow-up ended (the data ends, or 365 days pass)
before the event are censored, so recent entrants count for as long as they were followed. A point
is hidden when the people still followed at that day are too few to show safely.
"""

from __future__ import annotations

import math
import warnings

import duckdb
import numpy as np
import polars as pl
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from metrics.aggregate import GroupFilters
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.journeys.common import ALL_IN_SELECTION, cohort_of, cut_labels, journey_sql, run
from metrics.periods import Period

MEASURES = {
    "support": "Days from entry to specialist support starting",
    "repeat": "Days from entry to another incident",
}
CURVE_DAYS = (*tuple(range(0, 365, 7)), 365)
SIGNIFICANCE = 0.05


def survival_curves(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    cohort: str,
    period: Period,
    measure: str,
    groups: GroupFilters = GroupFilters(),
    by: str | None = None,
) -> pl.DataFrame:
    """Share of people who reached the event by each day (1 - survival), with 95% bands, per group.

    Groups with too few people to show safely are left out; the whole selection is always a curve
    (`is_total`). `at_risk` is the people still followed and without the event at that day.
    """
    counts = _counts(con, cohort=cohort, period=period, measure=measure, groups=groups, by=by)
    return _curves(counts, rule, measure=measure, by=by)


def _curves(counts: pl.DataFrame, rule: DisclosureRule, *, measure: str, by: str | None) -> pl.DataFrame:
    """`survival_curves` from the counts of people per (group, day, outcome)."""
    rows = []
    for group_value, group_label, is_total, frame in _groups(counts, rule, by=by):
        curve = _curve(_fit(frame))
        days, events, people = (frame[name].to_numpy() for name in ("days", "is_event", "people"))
        total = int(people.sum())
        for day in CURVE_DAYS:
            survival, lower, upper = _at(curve, day)
            rows.append(
                {
                    "measure": measure,
                    "group_value": group_value,
                    "group_label": group_label,
                    "is_total": is_total,
                    "day": day,
                    "people": total,
                    "at_risk": int(people[days >= day].sum()) if day else total,
                    "reached": int(people[(days <= day) & events].sum()),
                    "reached_pct": 100 * (1 - survival),
                    "reached_lower_95": 100 * (1 - upper),
                    "reached_upper_95": 100 * (1 - lower),
                }
            )
    frame = pl.DataFrame(rows, schema=_schema())
    protected = protect_frame(
        frame,
        rule=rule,
        count_columns=["people", "at_risk", "reached"],
        # a share reveals its events, so it hides when the events or the people followed are too few
        ratio_columns={"reached_pct": ("reached", "at_risk")},
        interval_columns={"reached_pct": ("reached_lower_95", "reached_upper_95")},
    )
    if not rule.is_identity and not protected.is_empty():  # a selection with nobody in it has no curve to redo
        # a protected curve is worked out from the counts as published: a Kaplan-Meier estimate from the exact
        # counts would give them back
        protected = pl.concat([_life_table(curve) for curve in protected.partition_by("group_value", maintain_order=True)])
    return protected.with_columns(
        pl.col("reached_pct", "reached_lower_95", "reached_upper_95").round(1), disclosure_rule=pl.lit(rule.describe())
    )


def _published_times(curve: pl.DataFrame) -> pl.DataFrame:
    """One group's (days, is_event, people) again from its published curve counts, as the life table reads them:
    between two days whose counts are shown, the rise in people reached reached the event at the later day, and
    those whose follow-up ended without it left halfway between; the people still followed at the last day shown
    leave there (what becomes of them is not published)."""
    rows: list[tuple[float, bool, float]] = []
    day_before, reached_before, followed_before = 0.0, 0.0, curve["people"][0]
    for day, reached, followed in zip(curve["day"], curve["reached"], curve["at_risk"], strict=True):
        if reached is None or followed is None or not followed_before:
            continue
        events = max(reached - reached_before, 0)
        left = max(followed_before - followed - events, 0)
        rows += [(float(day), True, float(events)), ((day_before + day) / 2, False, float(left))]
        day_before, reached_before, followed_before = float(day), reached, followed
    rows.append((day_before, False, float(followed_before or 0)))
    return pl.DataFrame(rows, schema={"days": pl.Float64, "is_event": pl.Boolean, "people": pl.Float64}, orient="row").filter(
        pl.col("people") > 0
    )


def _life_table(curve: pl.DataFrame) -> pl.DataFrame:
    """One group's curve points again, as a life table over the published days from the published counts.

    Between two days whose counts are shown, the events are the rise in people reached, and the people at risk
    those still followed at the first day less half of those whose follow-up ended in between (the actuarial
    rule), so people whose follow-up ended early leave the denominator instead of counting as never reaching the
    event. Limits are exponential Greenwood, as the exact curve's. A day with a hidden count is left blank and the
    next shown day spans it; once nobody is still followed the curve ends (blank), rather than claiming that
    everyone followed reached the event.
    """
    values: dict[str, list[float | None]] = {"reached_pct": [], "reached_lower_95": [], "reached_upper_95": []}
    survival, greenwood, ended = 1.0, 0.0, False
    reached_before, followed_before = 0, curve["people"][0]
    for reached, followed in zip(curve["reached"], curve["at_risk"], strict=True):
        point: tuple[float | None, float | None, float | None] = (None, None, None)
        if not ended and reached is not None and followed is not None and followed_before:
            ended = followed == 0
            events = max(reached - reached_before, 0)
            left = max(followed_before - followed - events, 0)  # follow-up ended without the event
            exposed = max(followed_before - left / 2, events)
            if not ended:
                survival *= 1 - events / exposed if exposed else 1.0
                greenwood += events / (exposed * (exposed - events)) if exposed > events else math.inf
                point = _reached_with_limits(survival, greenwood)
                reached_before, followed_before = reached, followed
        for column, value in zip(values, point, strict=True):
            values[column].append(value)
    return curve.with_columns(pl.Series(column, column_values, dtype=pl.Float64) for column, column_values in values.items())


def _reached_with_limits(survival: float, greenwood: float) -> tuple[float, float, float]:
    """100 x (1 - survival) with its 95% limits (exponential Greenwood)."""
    if survival <= 0 or not math.isfinite(greenwood):
        return 100 * (1 - survival), 100 * (1 - survival), 100.0
    if survival >= 1:
        return 0.0, 0.0, 0.0
    spread = 1.959963984540054 * math.sqrt(greenwood) / abs(math.log(survival))
    lower, upper = survival ** math.exp(spread), survival ** math.exp(-spread)
    return 100 * (1 - survival), 100 * (1 - upper), 100 * (1 - lower)


def survival_comparison(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    cohort: str,
    period: Period,
    measure: str,
    by: str,
    groups: GroupFilters = GroupFilters(),
) -> pl.DataFrame:
    """One row: the log-rank test across the groups shown, with its result in words.

    Under a protecting rule the test is worked out from the curves' counts as published (people reached and still
    followed at each curve day, rounded or hidden), as every figure derived from counts is: from the exact counts
    per day, its statistic to a decimal place would say more than they do."""
    counts = _counts(con, cohort=cohort, period=period, measure=measure, groups=groups, by=by)
    return _comparison(counts, rule, measure=measure, by=by)


def _comparison(counts: pl.DataFrame, rule: DisclosureRule, *, measure: str, by: str) -> pl.DataFrame:
    """`survival_comparison` from the counts of people per (group, day, outcome)."""
    if rule.is_identity:
        shown = [(label, frame) for _, label, is_total, frame in _groups(counts, rule, by=by) if not is_total]
    else:
        curves = _curves(counts, rule, measure=measure, by=by).filter(~pl.col("is_total"))
        shown = [
            (curve["group_label"][0], _published_times(curve))
            for curve in curves.partition_by("group_value", maintain_order=True)
        ]
    result = {
        "measure": measure,
        "by": by,
        "groups_compared": len(shown),
        "test_statistic": None,
        "degrees_of_freedom": None,
        "p_value": None,
    }
    if len(shown) < 2 or sum(int(frame.filter("is_event")["people"].sum()) for _, frame in shown) == 0:
        return pl.DataFrame([{**result, "sentence": "Too few groups with enough people to compare."}])
    combined = pl.concat([frame.with_columns(group_label=pl.lit(label)) for label, frame in shown])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        test = multivariate_logrank_test(
            combined["days"].to_numpy(),
            combined["group_label"].to_numpy(),
            combined["is_event"].to_numpy(),
            weights=combined["people"].to_numpy(),
        )
    p_value = float(test.p_value)
    result.update(
        test_statistic=round(float(test.test_statistic), 2), degrees_of_freedom=int(test.degrees_of_freedom), p_value=p_value
    )
    return pl.DataFrame(
        [
            {
                **result,
                "sentence": describe_logrank(
                    p_value,
                    n_groups=len(shown),
                    by=by,
                    measure=measure,
                    statistic=float(test.test_statistic),
                    degrees_of_freedom=int(test.degrees_of_freedom),
                ),
            }
        ]
    )


def describe_logrank(p_value: float, *, n_groups: int, by: str, measure: str, statistic: float, degrees_of_freedom: int) -> str:
    what = "specialist support starts" if measure == "support" else "a repeat incident follows"
    cut = {"ward": "wards", "sex": "sexes", "age_band": "age bands", "ethnicity": "ethnic groups"}.get(by, "groups")
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    detail = f"(log-rank test across {n_groups} {cut}: chi-square {statistic:.1f} on {degrees_of_freedom} degrees of freedom, {p_text})"
    if p_value < SIGNIFICANCE:
        return f"How soon {what} differs between {cut} by more than chance alone would explain {detail}."
    return f"The differences between {cut} in how soon {what} could be chance {detail}."


def _counts(
    con: duckdb.DuckDBPyConnection, *, cohort: str, period: Period, measure: str, groups: GroupFilters, by: str | None
) -> pl.DataFrame:
    cohort_of(cohort)
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    counts = run(
        con, journey_sql("journey_survival", groups=groups, by=by), period=period, groups=groups, cohort=cohort, measure=measure
    )
    return cut_labels(con, counts, by)


def _groups(counts: pl.DataFrame, rule: DisclosureRule, *, by: str | None):
    """(value, label, is_total, counts) for the whole selection and each group big enough to show."""
    columns = ["days", "is_event", "people"]
    whole = counts.group_by("days", "is_event").agg(pl.col("people").sum()).sort("days")
    if whole.is_empty():
        return
    yield ALL_IN_SELECTION, ALL_IN_SELECTION, True, whole.select(columns)
    if by is None:
        return
    for (value, label), frame in counts.sort("group_value").group_by("group_value", "group_label", maintain_order=True):
        if value is not None and int(frame["people"].sum()) > rule.threshold:
            yield value, label, False, frame.select(columns).sort("days")


def _fit(frame: pl.DataFrame) -> KaplanMeierFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about weights it does not need to
        return KaplanMeierFitter().fit(
            frame["days"].to_numpy().astype(float), frame["is_event"].to_numpy(), weights=frame["people"].to_numpy().astype(float)
        )


def _curve(fitter: KaplanMeierFitter) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The fitted step function as arrays: times, survival, and its lower and upper 95% limits."""
    interval = fitter.confidence_interval_survival_function_.to_numpy()
    return (
        fitter.survival_function_.index.to_numpy(),
        fitter.survival_function_.iloc[:, 0].to_numpy(),
        interval[:, 0],
        interval[:, 1],
    )


def _at(curve: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], day: int) -> tuple[float, float, float]:
    """Survival and its 95% limits (exponential Greenwood) on the step function at `day`."""
    times, survival, lower, upper = curve
    position = int(np.searchsorted(times, day, side="right")) - 1
    if position < 0:
        return 1.0, 1.0, 1.0
    return float(survival[position]), float(lower[position]), float(upper[position])


def _schema() -> dict:
    return {
        "measure": pl.String,
        "group_value": pl.String,
        "group_label": pl.String,
        "is_total": pl.Boolean,
        "day": pl.Int64,
        "people": pl.Int64,
        "at_risk": pl.Int64,
        "reached": pl.Int64,
        "reached_pct": pl.Float64,
        "reached_lower_95": pl.Float64,
        "reached_upper_95": pl.Float64,
    }
