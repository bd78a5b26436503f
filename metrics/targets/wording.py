"""A target in the board's words: its baseline, where it stands now, the time left, numbers and days."""

from __future__ import annotations

from datetime import date

from metrics.targets.assessment import Assessment


def baseline_words(assessment: Assessment) -> str:
    target = assessment.target
    if target.baseline is not None and target.baseline.value is not None:
        return f"{as_number(target.baseline.value)} in {target.baseline.period or 'an unstated period'}"
    if target.obtain_baseline_by is not None:
        return f"none yet; to be obtained by {as_day(target.obtain_baseline_by)}"
    return "none"


def now_words(assessment: Assessment) -> str:
    current = assessment.current
    if current is None:
        return sentence(assessment.status_reason.removeprefix("not assessable: "))
    if not current.is_shown:
        return sentence(current.why_not_shown())
    interval = (
        "" if current.lower_95 is None else f" (95% interval {as_number(current.lower_95)} to {as_number(current.upper_95)})"
    )
    return f"{as_number(current.value)}{interval} in {current.period.label}"


def time_left_words(assessment: Assessment) -> str:
    days = assessment.days_left
    if days is None:
        return "no target date"
    if assessment.is_final:
        return f"target date passed ({as_day(assessment.target.target_date)})"
    return f"{days:,} day{'s' if days != 1 else ''} left (to {as_day(assessment.target.target_date)})"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def as_number(value: float | None) -> str:
    return "?" if value is None else f"{value:,.1f}"


def as_day(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "no date"
