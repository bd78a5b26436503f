"""What the Overview puts on its first screen: what needs the board's attention, the scorecard with
SPC icons, and what changed since the period before.

Signals come only from the statistics layer's adjusted comparisons (the ward funnel with overdispersion
allowed for, the reporting-gap comparison at 99.8%) and from SPC special causes on monthly series,
never from raw flags. Every value comes from `compute`, so it has passed disclosure control.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.board.period_text import previous_period
from metrics.board.summary import FAR_ABOVE, ChangeSummary, what_changed
from metrics.compare import Polarity
from metrics.compute import Filters
from metrics.periods import Period, between
from metrics.registry import get, headline_indicators
from metrics.spc import MINIMUM_POINTS, Direction, SpcInputError, SpcResult, Variation, xmr
from metrics.standardisation import STANDARDISED_COMPARATOR

PREVALENCE = "prevalence_incidents_per_1000"
SPC_MONTHS = 24
ATTENTION_LINES = 5
WORSE_998 = ("worse_998",)


@dataclass(frozen=True)
class SpcIcons:
    """One indicator's Making Data Count icons, in words (the page draws them)."""

    variation: Variation | None  # None: too few months for limits
    assurance: str | None
    months: int
    special_sides_in_period: tuple[int, ...]  # each special-cause month inside the period: +1 high or rising, -1 low
    latest_side: int  # +1 high or rising, -1 low or falling, 0 common cause

    @property
    def special_in_period(self) -> int:
        """How many months inside the period are special causes."""
        return len(self.special_sides_in_period)

    @property
    def special_direction(self) -> str:
        """Which way the period's special-cause months lie: 'high', 'low' or 'high and low'."""
        sides = set(self.special_sides_in_period)
        return "high and low" if sides == {1, -1} else "high" if 1 in sides else "low"


def direction_of(indicator_id: str) -> Direction:
    polarity = get(indicator_id).polarity
    if polarity is Polarity.HIGH_IS_GOOD:
        return Direction.INCREASE
    if polarity is Polarity.LOW_IS_GOOD:
        return Direction.DECREASE
    return Direction.NEUTRAL


def spc_icons(months: pl.DataFrame, indicator_id: str, *, target: float | None, period: Period, rounded_to: int = 1) -> SpcIcons:
    """The XmR chart's icons for one monthly series, its values worked out from counts rounded to `rounded_to`.

    A series with a month hidden by disclosure control has no icons: the months left would make a chart of the
    months with more events. Each month's value carries its rounding (half a step, in the value's units), so
    rounding alone does not make a shift (metrics.spc.xmr)."""
    ordered = months.sort("cut_value")
    shown = ordered.filter(pl.col("value").is_not_null())
    if shown.height < MINIMUM_POINTS or shown.height < ordered.height:
        return SpcIcons(None, None, shown.height, (), 0)
    try:
        result: SpcResult = xmr(
            shown["value"].to_list(),
            direction=direction_of(indicator_id),
            target=target,
            rounding=_rounding(shown, rounded_to),
        )
    except SpcInputError:
        return SpcIcons(None, None, shown.height, (), 0)
    first, last = f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"
    inside = tuple(
        point.side
        for month, point in zip(shown["cut_value"], result.points, strict=True)
        if first <= month <= last and point.rule is not None
    )
    assurance = result.assurance
    return SpcIcons(result.variation, assurance.value if assurance else None, shown.height, inside, result.points[-1].side)


def _rounding(months: pl.DataFrame, rounded_to: int) -> list[float]:
    """Half a rounding step of each month's count, in its value's units (value per event x half the step); none for
    a count of 0, which is exact."""
    if rounded_to <= 1:
        return [0.0] * months.height
    return [
        rounded_to / 2 * value / numerator if numerator else 0.0
        for value, numerator in zip(months["value"], months["numerator"], strict=True)
    ]


def ward_attention(points: pl.DataFrame, monthly: pl.DataFrame | None, *, rounded_to: int = 1) -> str | None:
    """The ward furthest above the district on the adjusted funnel, in one line, against the funnel's own
    district value (the sidebar's ward and groups never change it), or None. Age-standardised points (the wards
    compared as if they had the same ages) say so."""
    above = points.filter(pl.col("comparison").is_in(FAR_ABOVE) & pl.col("value").is_not_null()).sort("value", descending=True)
    if above.is_empty():
        return None
    top = above.row(0, named=True)
    base = top["comparator_value"]
    ratio = top["value"] / base if base else None
    standardised = " age-standardised" if top.get("comparator") == STANDARDISED_COMPARATOR else ""
    line = f"{top['cut_label']}: {top['value']:.0f}{standardised} incidents per 1,000 residents a year"
    if ratio:
        line += f", {times(ratio)} the district's {base:.0f}"
    if monthly is not None:
        icons = spc_icons(monthly, PREVALENCE, target=None, period=between(date.min, date.max), rounded_to=rounded_to)
        if icons.variation not in (None, Variation.COMMON_CAUSE):
            # the latest month's special cause: above or below the usual level, or 7 months rising or falling to it
            line += ", and unusually high lately" if icons.latest_side > 0 else ", and unusually low lately"
    others = above.height - 1
    if others:
        line += f" ({others} other ward{'s' if others != 1 else ''} also above the district at 99.8%)"
    return line + "."


def community_attention(groups: pl.DataFrame) -> str | None:
    """The community whose reporting falls furthest below that of its own sex (women or men) at 99.8%."""
    by_sex = {
        row["sex"]: row["value"]
        for row in groups.filter(
            pl.col("ethnicity").is_null() & pl.col("sex").is_not_null() & pl.col("value").is_not_null()
        ).iter_rows(named=True)
    }
    candidates = []
    for row in groups.filter(
        pl.col("ethnicity").is_not_null() & pl.col("sex").is_not_null() & pl.col("upper_998").is_not_null()
    ).iter_rows(named=True):
        reference = by_sex.get(row["sex"])
        if reference and row["upper_998"] < reference:
            candidates.append((row["value"] / reference, row, reference))
    if not candidates:
        return None
    ratio, row, reference = min(candidates, key=lambda candidate: candidate[0])
    sex_words = "women" if row["sex"] == "female" else "men"
    return (
        f"{row['group']}: {row['value']:.0f} known to services for every 100 victims the crime survey predicts, "
        f"{times(ratio)} the rate for all {sex_words} ({reference:.0f}): likely under-reporting."
    )


def indicator_attention(tiles: pl.DataFrame, icons: dict[str, SpcIcons]) -> list[str]:
    """Headline indicators with a concerning special cause, then those far worse than their benchmark."""
    lines = []
    for row in tiles.iter_rows(named=True):
        icon = icons.get(row["indicator_id"])
        if icon and icon.variation is Variation.CONCERNING and row["value"] is not None:
            unusual = "unusually high" if icon.latest_side > 0 else "unusually low"
            lines.append(
                f"{row['title']}: {value_text(row['value'], row['unit'])}, {unusual} for it in the latest month, the wrong way."
            )
    for row in tiles.filter(pl.col("comparison").is_in(WORSE_998)).iter_rows(named=True):
        lines.append(
            f"{row['title']}: {value_text(row['value'], row['unit'])}, worse than the "
            f"{row['comparator']} ({value_text(row['comparator_value'], row['unit'])})."
        )
    return lines


def value_text(value: float, unit: str) -> str:
    """'71.8% of charging decisions', '46.9 per 10,000 women aged 16+ a year'."""
    return f"{value:.1f}{unit}" if unit.startswith("%") else f"{value:.1f} {unit}"


def times(ratio: float) -> str:
    """A ratio in words: 'twice', '2.2 times', 'two-thirds of', 'half'."""
    if 1.9 <= ratio < 2.1:
        return "twice"
    if ratio >= 1.1:
        return f"{ratio:.1f} times"
    for fraction, words in (
        (0.25, "a quarter of"),
        (1 / 3, "a third of"),
        (0.5, "half"),
        (2 / 3, "two-thirds of"),
        (0.75, "three-quarters of"),
    ):
        if abs(ratio - fraction) < 0.04:
            return words
    return f"{ratio:.0%} of"


@dataclass(frozen=True)
class Overview:
    period: Period
    previous: Period
    attention: tuple[str, ...]
    tiles: pl.DataFrame  # scorecard plus spc_variation, spc_assurance, target_text, status, owner
    changes: ChangeSummary
    spc_changes: tuple[str, ...]  # special causes inside the period on indicators the test did not call real
    # every frame whose comparisons the lines and tiles draw on (tiles, the ward funnel, groups), for counting them
    judged: tuple[pl.DataFrame, ...] = ()


def spc_span(end: date) -> Period:
    """The `SPC_MONTHS` whole months to `end` (a month's end) that the SPC icons are drawn from."""
    start = date(end.year - SPC_MONTHS // 12, end.month, 1) + timedelta(days=32)
    return between(start.replace(day=1), end)


def monthly_filters(indicator_ids: Sequence[str], end: date, groups: GroupFilters = GroupFilters()) -> dict[str, Filters]:
    """What to ask `compute` for each indicator's monthly series (indicators with no months are left out)."""
    return {
        indicator_id: Filters(period=spc_span(end), by="month", groups=groups)
        for indicator_id in indicator_ids
        if "month" in get(indicator_id).dimensions
    }


def top_ward(points: pl.DataFrame) -> str | None:
    """The code of the ward furthest above the district on the funnel, if any is above its 99.8% limits."""
    if points.is_empty():
        return None
    above = points.filter(pl.col("comparison").is_in(FAR_ABOVE) & pl.col("value").is_not_null()).sort("value", descending=True)
    return above["cut_value"][0] if above.height else None


def overview(
    *,
    period: Period,
    previous: Period,
    current: pl.DataFrame,
    before: pl.DataFrame,
    series: dict[str, pl.DataFrame],
    ward_points: pl.DataFrame,
    ward_months: pl.DataFrame | None,
    groups: pl.DataFrame | None,
    targets: pl.DataFrame | None,
    immature: frozenset[str] = frozenset(),
    incomplete: Mapping[str, str] | None = None,
    rounded_to: int = 1,
) -> Overview:
    """The Overview's first screen for `period` against `previous`, from frames already through disclosure control:
    both scorecards, each indicator's monthly series, the prevalence ward funnel's points with the top ward's months,
    reporting by group, and the action plan's targets. `immature` names the outcome indicators whose outcomes are
    not all recorded for `period` yet (`metrics.board.summary.immature_outcomes`), and `incomplete` those whose
    periods their data do not cover whole (`metrics.board.summary.incomplete_periods`): they are listed, not
    compared. `rounded_to` is the rounding of the frames' counts."""
    ids = current["indicator_id"].to_list() if current.height else []
    plan = _targets_by_indicator(targets)
    icons = {
        indicator_id: spc_icons(
            frame, indicator_id, target=plan.get(indicator_id, {}).get("target_value"), period=period, rounded_to=rounded_to
        )
        for indicator_id, frame in series.items()
        if not isinstance(frame, UnsupportedCut)
    }
    lines: list[str] = []
    if not ward_points.is_empty():
        line = ward_attention(ward_points, ward_months, rounded_to=rounded_to)
        if line:
            lines.append(line)
    line = community_attention(groups) if groups is not None and groups.height else None
    if line:
        lines.append(line)
    lines += indicator_attention(current, icons) if current.height else []
    changes = what_changed(current, before, immature=immature, incomplete=incomplete)
    # an immature period's latest months still lack outcomes, so they would stand out low by that alone
    not_said = {change.indicator_id for change in changes.changes} | immature | set(incomplete or ())
    spc_changes = tuple(
        f"{row['title']}: {_months(icon.special_in_period)} of {period.label} outside its usual "
        f"variation ({icon.special_direction})."
        for row in current.iter_rows(named=True)
        if (icon := icons.get(row["indicator_id"])) and icon.special_in_period and row["indicator_id"] not in not_said
    )
    tiles = (
        current.with_columns(
            spc_variation=pl.Series(
                [icon.variation.value if (icon := _icon(icons, i)) and icon.variation else None for i in ids], dtype=pl.String
            ),
            spc_assurance=pl.Series([icon.assurance if (icon := _icon(icons, i)) else None for i in ids], dtype=pl.String),
            target_value=pl.Series([plan.get(i, {}).get("target_value") for i in ids], dtype=pl.Float64),
            target_status=pl.Series([plan.get(i, {}).get("progress") for i in ids], dtype=pl.String),
            target_id=pl.Series([plan.get(i, {}).get("target_id") for i in ids], dtype=pl.String),
            owner=pl.Series([plan.get(i, {}).get("owner") for i in ids], dtype=pl.String),
        )
        if ids
        else current
    )
    judged = (tiles, ward_points, groups if groups is not None else pl.DataFrame())
    return Overview(period, previous, tuple(lines[:ATTENTION_LINES]), tiles, changes, spc_changes, judged)


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def _icon(icons: dict[str, SpcIcons], indicator_id: str) -> SpcIcons | None:
    return icons.get(indicator_id)


def _targets_by_indicator(targets: pl.DataFrame | None) -> dict[str, dict]:
    """The first district target on each indicator (plan order), for the scorecard's target and owner."""
    if targets is None or targets.is_empty():
        return {}
    chosen: dict[str, dict] = {}
    for row in targets.filter(pl.col("indicator_id").is_not_null()).iter_rows(named=True):
        chosen.setdefault(row["indicator_id"], row)
    return chosen


def quarter_or_year(latest_complete_quarter: Period, kind: str) -> tuple[Period, Period]:
    """The period and the one before for "quarter" (the latest complete quarter) or "year" (the 12 months to its end)."""
    if kind == "quarter":
        return latest_complete_quarter, previous_period(latest_complete_quarter)
    end = latest_complete_quarter.end
    start = date(end.year - 1, end.month, 1) + timedelta(days=32)
    year = Period(start.replace(day=1), end, f"12 months to {end:%B %Y}")
    before_end = year.start - timedelta(days=1)
    before_start = date(before_end.year - 1, before_end.month, 1) + timedelta(days=32)
    return year, Period(before_start.replace(day=1), before_end, f"12 months to {before_end:%B %Y}")


__all__ = [
    "Overview",
    "SpcIcons",
    "community_attention",
    "headline_indicators",
    "monthly_filters",
    "overview",
    "quarter_or_year",
    "spc_icons",
    "times",
    "top_ward",
    "ward_attention",
]
