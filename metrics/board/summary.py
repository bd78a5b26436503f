"""The board pack's one-page summary, as small pure functions over frames the pages already use.

- `needs_attention`: headline indicators significantly worse than their comparator, and the ward
  that stands furthest above the district on the ward funnel;
- `what_changed`: each headline indicator's value this period against the previous one, with a
  significance test between the two, and "no real change" for the rest;
- `off_track_targets`: action-plan targets off track or missed, with their owners.

They take the scorecard and plan frames (already through disclosure control) and return sentences
and small records, so the Overview can show the same words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from scipy import stats

from metrics.compare import Polarity
from metrics.completeness import Coverage
from metrics.definitions import Method
from metrics.periods import Period
from metrics.registry import get

# A change is called real when chance explains it less than once in 500 (the 99.8% level the
# pages use for "significantly"): the pack tests every headline indicator at once, so 95% would
# flag about one indicator in twenty by chance alone each quarter.
REAL_CHANGE_CONFIDENCE = 0.998
# A change significant at 95% but not 99.8% is named as one to watch, not as real.
WATCH_CONFIDENCE = 0.95
WORSE = ("worse", "worse_998")
# A ward is named as above the district when it is beyond the funnel's 99.8% limits: across 30 wards the 95% limits
# leave about 1.5 wards outside them by chance alone, the 99.8% limits 0.06.
FAR_ABOVE = ("higher_998",)


@dataclass(frozen=True)
class Change:
    indicator_id: str
    title: str
    unit: str
    before: float
    after: float
    p_value: float
    direction: str  # "rose" or "fell"
    judgement: str  # "better", "worse" or "" when the indicator has no better direction

    @property
    def sentence(self) -> str:
        judged = f" ({self.judgement})" if self.judgement else ""
        space = "" if self.unit.startswith("%") else " "
        return f"{self.title} {self.direction} from {self.before:.1f} to {self.after:.1f}{space}{self.unit}{judged}."


@dataclass(frozen=True)
class ChangeSummary:
    changes: tuple[Change, ...]  # real changes (99.8%), largest relative change first
    to_watch: tuple[Change, ...]  # significant at 95% only
    unchanged: tuple[str, ...]  # titles of indicators tested with no real change
    not_tested: tuple[str, ...]  # titles of indicators with no value shown in one of the periods
    immature: tuple[str, ...] = ()  # titles of outcome indicators whose latest period is not yet complete
    # (why in words, titles) for indicators whose periods are not covered whole by their data or look-back
    incomplete: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def sentences(self) -> list[str]:
        lines = [f"Real change: {change.sentence}" for change in self.changes]
        if not self.changes:
            lines.append("No headline indicator changed by more than chance explains (tested at 99.8%).")
        lines += [f"Possible change, to watch (95% but not 99.8%): {change.sentence}" for change in self.to_watch]
        steady = len(self.unchanged) + len(self.to_watch)
        if steady:
            lines.append(f"No real change in {_indicators(steady)}: the differences are within what chance explains.")
        if self.immature:
            lines.append(f"Not compared yet, because outcomes are recorded months after the crime: {', '.join(self.immature)}.")
        lines += self.incomplete_sentences
        if self.not_tested:
            lines.append(f"Not compared (a value is not shown in one of the periods): {', '.join(self.not_tested)}.")
        return lines

    @property
    def incomplete_sentences(self) -> list[str]:
        return [f"Not compared, because {why}: {', '.join(titles)}." for why, titles in self.incomplete]


@dataclass(frozen=True)
class OffTrackTarget:
    target_id: str
    label: str
    priority: str
    progress: str
    owner: str

    @property
    def sentence(self) -> str:
        return f"{self.label} ({self.progress}), owned by {self.owner}."


@dataclass(frozen=True)
class Summary:
    needs_attention: tuple[str, ...]
    changes: ChangeSummary
    off_track: tuple[OffTrackTarget, ...]


def needs_attention(scorecard: pl.DataFrame, ward_points: pl.DataFrame | None = None, *, area: str = "the district") -> list[str]:
    """Sentences on what the board should look at first.

    `scorecard` is `metrics.scorecard.scorecard`'s frame; `ward_points` the ward funnel's points for the
    prevalence indicator (cut_label, value, comparison), whose highest ward above the district's 99.8% limits
    is named.
    """
    lines = []
    if ward_points is not None and not ward_points.is_empty():
        above = ward_points.filter(pl.col("comparison").is_in(FAR_ABOVE) & pl.col("value").is_not_null()).sort(
            "value", descending=True
        )
        if above.height:
            top = above.row(0, named=True)
            others = above["cut_label"].to_list()[1:4]
            line = (
                f"{top['cut_label']} has the highest rate of reported domestic abuse, {top['value']:.1f} "
                f"{top['unit']}, {top['comparison_text']}."
            )
            if others:
                line += f" Also above the district at 99.8%: {', '.join(others)}."
            lines.append(line)
    for row in scorecard.filter(pl.col("comparison").is_in(WORSE)).iter_rows(named=True):
        lines.append(f"{row['title']}: {_value(row)} in {area}, {row['comparison_text']}.")
    # no better or worse direction (more reporting can mean more confidence to report), so only far from it
    for row in scorecard.filter(pl.col("comparison") == "higher_998").iter_rows(named=True):
        lines.append(f"{row['title']}: {_value(row)} in {area}, {row['comparison_text']}.")
    for row in scorecard.filter(pl.col("trend").is_in(["increasing", "decreasing"])).iter_rows(named=True):
        judged = _trend_judgement(row["indicator_id"], row["trend"])
        if judged == "worse":
            lines.append(
                f"{row['title']} has been {'rising' if row['trend'] == 'increasing' else 'falling'} year on year, the wrong way."
            )
    return lines


def what_changed(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    *,
    immature: frozenset[str] = frozenset(),
    incomplete: Mapping[str, str] | None = None,
    confidence: float = REAL_CHANGE_CONFIDENCE,
    watch: float = WATCH_CONFIDENCE,
) -> ChangeSummary:
    """Each headline indicator this period against the previous one (both scorecard frames).

    `immature` names indicators whose outcomes are not yet all recorded for this period (see
    `immature_outcomes`), and `incomplete` those whose periods their data do not cover whole, with why
    (`incomplete_periods`); they are listed, not tested.
    """
    before = {row["indicator_id"]: row for row in previous.iter_rows(named=True)}
    changes, to_watch, unchanged, not_tested, not_ready = [], [], [], [], []
    not_whole: dict[str, list[str]] = {}
    for row in current.iter_rows(named=True):
        if row["indicator_id"] in immature:
            not_ready.append(row["title"])
            continue
        if incomplete and row["indicator_id"] in incomplete:
            not_whole.setdefault(incomplete[row["indicator_id"]], []).append(row["title"])
            continue
        earlier = before.get(row["indicator_id"])
        change = change_between(row, earlier) if earlier else None
        if change is None:
            not_tested.append(row["title"])
        elif change.p_value < 1 - confidence:
            changes.append(change)
        elif change.p_value < 1 - watch:
            to_watch.append(change)
        else:
            unchanged.append(row["title"])
    changes.sort(key=_size_of_change)
    to_watch.sort(key=_size_of_change)
    return ChangeSummary(
        tuple(changes),
        tuple(to_watch),
        tuple(unchanged),
        tuple(not_tested),
        tuple(not_ready),
        tuple((why, tuple(titles)) for why, titles in not_whole.items()),
    )


def incomplete_periods(indicator_ids: Sequence[str], periods: Sequence[Period], coverage: Coverage | None) -> dict[str, str]:
    """The indicators whose `periods` their data do not cover whole, each with why in words: a source that does not
    cover a period (its rate reads low by the days missing), or a look-back measure's period starting before the
    data could look back far enough (its events are undercounted). Comparing such a period says nothing real."""
    if coverage is None:
        return {}
    reasons: dict[str, str] = {}
    for indicator_id in indicator_ids:
        indicator = get(indicator_id)
        for period in periods:
            shortfall = coverage.shortfall(period, indicator.source_extracts)
            start = coverage.complete_from(indicator.source_extracts)
            if shortfall:  # the sources short of the period are named once, beside the period
                reasons[indicator_id] = f"the data do not cover {period.label} whole"
                break
            if indicator.look_back_days and start is not None and period.start < start + timedelta(days=indicator.look_back_days):
                reasons[indicator_id] = (
                    f"{period.label} starts less than {indicator.look_back_days} days after the data begin, "
                    "too soon to see each victim's earlier incidents"
                )
                break
    return reasons


def immature_outcomes(indicator_ids: Sequence[str], period: Period, mature_through: Mapping[str, date | None]) -> frozenset[str]:
    """The outcome-type indicators whose `period` ends after the last day their crimes have had the maturity lag
    (`OVERSIGHT_MATURITY_LAG_MONTHS`) to reach an outcome: `mature_through` maps an indicator to that day, or to
    None when it does not wait for outcomes (metrics.board.pack.mature_through). The scorecard reads such an
    indicator over its mature period instead, so both periods' values would be the same months: not a change."""
    return frozenset(
        indicator_id
        for indicator_id in indicator_ids
        if (through := mature_through.get(indicator_id)) is not None and period.end > through
    )


def change_between(after: Mapping, before: Mapping) -> Change | None:
    """The test of one indicator's two periods, or None when either period's counts are not shown.

    Rates and ratios: the exact conditional test of two Poisson counts (given both periods' events, the
    share falling in this period is binomial with the two denominators' share). Proportions: the
    two-sample test on the pooled proportion (a chi-square test of the 2x2 table).
    """
    given = [after.get("numerator"), after.get("denominator"), before.get("numerator"), before.get("denominator")]
    numbers = [float(value) for value in given if value is not None]
    if len(numbers) < len(given) or after.get("value") is None or before.get("value") is None:
        return None
    events_after, base_after, events_before, base_before = numbers
    if base_after <= 0 or base_before <= 0:
        return None
    indicator = get(after["indicator_id"])
    if indicator.method is Method.PROPORTION:
        p_value = _two_proportions(events_after, base_after, events_before, base_before)
    else:
        p_value = _two_poisson(events_after, base_after, events_before, base_before)
    direction = "rose" if after["value"] > before["value"] else "fell"
    return Change(
        indicator.id,
        after["title"],
        after["unit"],
        float(before["value"]),
        float(after["value"]),
        p_value,
        direction,
        _trend_judgement(indicator.id, "increasing" if direction == "rose" else "decreasing"),
    )


def off_track_targets(targets: pl.DataFrame) -> list[OffTrackTarget]:
    """Targets off track or missed (the plan view's `needs_attention`), in plan order, with owners."""
    flagged = targets.filter(pl.col("needs_attention"))
    return [
        OffTrackTarget(row["target_id"], row["label"], row["priority"], row["progress"], row["owner"] or "no named owner")
        for row in flagged.iter_rows(named=True)
    ]


def summarise(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    ward_points: pl.DataFrame | None,
    targets: pl.DataFrame | None,
    *,
    area: str = "the district",
    immature: frozenset[str] = frozenset(),
    incomplete: Mapping[str, str] | None = None,
) -> Summary:
    return Summary(
        needs_attention=tuple(needs_attention(current, ward_points, area=area)),
        changes=what_changed(current, previous, immature=immature, incomplete=incomplete),
        off_track=tuple(off_track_targets(targets)) if targets is not None else (),
    )


def owners_sentence(off_track: Sequence[OffTrackTarget]) -> str:
    """Who holds the targets off track, in one line."""
    if not off_track:
        return "No target is off track."
    owners = sorted({target.owner for target in off_track})
    return f"{_targets(len(off_track))} off track or missed, held by {'; '.join(owners)}."


def _size_of_change(change: Change) -> float:
    return -abs(math.log(change.after / change.before)) if change.before > 0 and change.after > 0 else 0.0


def _two_poisson(events_a: float, base_a: float, events_b: float, base_b: float) -> float:
    total = round(events_a + events_b)
    if total == 0:
        return 1.0
    return float(stats.binomtest(round(events_a), total, base_a / (base_a + base_b)).pvalue)


def _two_proportions(hits_a: float, size_a: float, hits_b: float, size_b: float) -> float:
    pooled = (hits_a + hits_b) / (size_a + size_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / size_a + 1 / size_b))
    if spread == 0:
        return 1.0
    z = (hits_a / size_a - hits_b / size_b) / spread
    return float(2 * stats.norm.sf(abs(z)))


def _trend_judgement(indicator_id: str, trend: str) -> str:
    polarity = get(indicator_id).polarity
    if polarity is Polarity.NO_JUDGEMENT:
        return ""
    rising_is_good = polarity is Polarity.HIGH_IS_GOOD
    return "better" if (trend == "increasing") == rising_is_good else "worse"


def _value(row: Mapping) -> str:
    return "not shown" if row.get("value") is None else f"{row['value']:.1f} {row['unit']}"


def _indicators(count: int) -> str:
    return f"{count} indicator{'s' if count != 1 else ''}"


def _targets(count: int) -> str:
    return f"{count} target{'s' if count != 1 else ''}"
