"""Every count of people a page receives from the data layer, what it is a count of, and how counts are tied.

`read` takes one result a page fetched through `ui.cache.fetch`, with the same query run unsuppressed,
and hands each count to `Findings`: the rule is checked cell by cell (no count from 1 to the threshold,
rounding below district level, no rate beside a small count), and the count goes to an `Attacker` with
the totals it adds up to and the rates that reveal it. A count is named by a `Cell`, so the same number
published by two queries (a ward's row in a by-ward table and the ward's own tile) is one unknown.

Each query's shape is declared here from the metrics code that builds it; a numeric column no reader
declares fails the test, so a new count cannot reach a page unexamined.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from metrics.aggregate import GroupFilters
from metrics.attrition import STAGES
from metrics.compute import Filters, compute
from metrics.definitions import Method
from metrics.disclosure import DisclosureRule, is_protected
from metrics.periods import Period, month, month_end, quarter
from metrics.registry import all_indicators, get
from metrics.result_values import interval
from tests.disclosure_attack import Attacker, Formula

GROUP_DIMENSIONS = ("ward", "sex", "age_band", "ethnicity")


@dataclass(frozen=True)
class Cell:
    """One count: of what (`measure`), over which days, for which ward and group (None: all of them)."""

    measure: tuple
    start: date
    end: date
    ward: str | None = None
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None

    def without(self, dimension: str) -> Cell:
        return replace(self, **{dimension: None})

    def over(self, start: date, end: date) -> Cell:
        return replace(self, start=start, end=end)

    def groups(self) -> GroupFilters:
        return GroupFilters(ward_code=self.ward, sex=self.sex, age_band=self.age_band, ethnicity=self.ethnicity)

    @property
    def is_whole_district(self) -> bool:
        """The whole district's all-people count (of any period): the rule leaves those exact over a year, and
        subtracting overlapping years gives a part of a year, so the attacker does not count them as protected."""
        return all(getattr(self, name) is None for name in GROUP_DIMENSIONS)

    def __str__(self) -> str:
        slices = [f"{name}={getattr(self, name)}" for name in GROUP_DIMENSIONS if getattr(self, name) is not None]
        return f"{'/'.join(map(str, self.measure))} {self.start}..{self.end} {' '.join(slices) or 'district'}"


def cell(measure: tuple, period: Period, groups: GroupFilters, **slices: str | None) -> Cell:
    values = {"ward": groups.ward_code, "sex": groups.sex, "age_band": groups.age_band, "ethnicity": groups.ethnicity}
    values.update(slices)
    return Cell(measure, period.start, period.end, **values)


@dataclass
class Findings:
    """What one session received, judged against the rule, and the attacker it arms."""

    rule: DisclosureRule
    true_total: Callable[[Cell], int | None]  # a count no query returned, worked out unsuppressed
    attacker: Attacker = field(init=False)
    truth: dict[Hashable, int] = field(default_factory=dict)
    small_shown: list[str] = field(default_factory=list)
    not_rounded: list[str] = field(default_factory=list)
    rates_of_small_counts: list[str] = field(default_factory=list)
    undeclared: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    cells: set[Cell] = field(default_factory=set)
    whole_breakdowns: set[tuple[Cell, str]] = field(default_factory=set)  # (total, dimension) listed in full by one query
    populations: dict[Cell, float] = field(default_factory=dict)
    # a comparator's value, the count it is worked from, and that count's denominator when it is a count
    comparators: list[tuple[float, Cell, Cell | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.attacker = Attacker(self.rule)

    def count(self, where: str, key: Hashable, published, true, *, hidden: bool, exact: bool = False) -> None:
        """One published count: `hidden` when disclosure control blanked it, `exact` when the rule leaves it unrounded."""
        threshold, base = self.rule.threshold, self.rule.rounding_base
        if true is not None:
            true = int(true)
            if self.truth.setdefault(key, true) != true:
                self.mismatched.append(f"{key}: {self.truth[key]} and {true} at {where}")
        if isinstance(key, Cell):
            self.cells.add(key)
            if key.is_whole_district:
                self.attacker.unprotected.add(key)
        if published is None:
            if hidden:
                self.attacker.sees_hidden(key)
            else:
                self.attacker.knows_of(key)
            return
        published = int(published)
        if 1 <= published <= threshold or (true is not None and 1 <= true <= threshold):
            self.small_shown.append(f"{where}: published {published} (true {true})")
        if not exact and published % base:
            self.not_rounded.append(f"{where}: {published} is not a multiple of {base}")
        self.attacker.sees(key, published, exact=exact)

    def ratio(
        self,
        where: str,
        value,
        numerator: Hashable | float,
        denominator: Hashable | float,
        *,
        multiplier: float,
        true_counts: Iterable,
        limits: Iterable = (),
        formula: Formula | None = None,
    ) -> None:
        """A rate or share published beside its counts: never when a count is small, and it narrows them, with
        the `limits` published beside it that `formula` works out (value first) from the counts."""
        if value is None:
            return
        small = [count for count in true_counts if count is not None and 1 <= count <= self.rule.threshold]
        if small:
            self.rates_of_small_counts.append(f"{where}: {value} shown with counts {small}")
        self.attacker.sees_ratio(
            float(value),
            numerator,
            denominator,
            multiplier=multiplier,
            limits=tuple(None if limit is None else float(limit) for limit in limits),
            formula=formula,
        )

    def adds_up(self, total: Hashable, parts: Iterable[Hashable], *, complete: bool) -> None:
        self.attacker.adds_up(total, list(parts), complete=complete)

    def lists_every(self, total: Cell, dimension: str) -> None:
        """One query listed every ward or group of `dimension` under `total` (a cut of `compute`, say)."""
        self.whole_breakdowns.add((total, dimension))

    def tie_breakdowns(self) -> None:
        """Counts of one measure that split a total by ward, group or quarter add up to it.

        The parts add up to the total where a query lists every category (every ward, every sex with
        'unknown') or the quarters tile the period, and the true counts agree; otherwise they add up to no
        more than it, as categories are disjoint. A breakdown that overshoots its total is not one at all.
        """
        for parent, parts, dimension in self._breakdowns():
            truths = [self.truth.get(part) for part in parts]
            total = self.truth.get(parent)
            if total is None:
                total = self.true_total(parent)
                if total is not None:
                    self.truth[parent] = total
            if total is None or None in truths or sum(truths) > total:
                continue
            self.cells.add(parent)
            complete = (dimension == "period" or (parent, dimension) in self.whole_breakdowns) and sum(truths) == total
            self.adds_up(parent, parts, complete=complete)
            if complete and parent not in self.populations and all(part in self.populations for part in parts):
                # residents of a whole breakdown add up to the total's, so its rate gives its count
                self.populations[parent] = sum(self.populations[part] for part in parts)
        for value, parent, denominator in self.comparators:
            if denominator is None:
                denominator = self.populations.get(parent)
            if denominator:
                self.attacker.sees_ratio(value, parent, denominator, multiplier=get(parent.measure[1]).multiplier)

    def _breakdowns(self) -> Iterable[tuple[Cell, list[Cell], str]]:
        by_parent: dict[tuple[Cell, str], set[Cell]] = {}
        for child in self.cells:
            for dimension in GROUP_DIMENSIONS:
                if getattr(child, dimension) is not None:
                    by_parent.setdefault((child.without(dimension), dimension), set()).add(child)
        for (parent, dimension), children in by_parent.items():
            yield parent, sorted(children, key=str), dimension
        periods = {(c.start, c.end) for c in self.cells}
        for is_part in (_is_quarter, _is_month):  # a period's quarters, and a period's (or a quarter's) months
            parts = {(c.start, c.end) for c in self.cells if is_part(c.start, c.end)}
            for start, end in periods - parts:
                inside = sorted((s, e) for s, e in parts if start <= s and e <= end)
                if not inside or inside[0][0] != start or inside[-1][1] != end:
                    continue
                if any(
                    previous[1].toordinal() + 1 != following[0].toordinal() for previous, following in itertools.pairwise(inside)
                ):
                    continue  # a part is missing: they do not tile the period
                for parent in [c for c in self.cells if (c.start, c.end) == (start, end)]:
                    children = [parent.over(s, e) for s, e in inside]
                    if all(child in self.cells for child in children):
                        yield parent, children, "period"


def _is_month(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(start)


def is_exact(groups: GroupFilters, period: Period) -> bool:
    """Whether the rule leaves a selection's total exact: the whole district's all-people figure over a year."""
    return not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end)


def _is_quarter(start: date, end: date) -> bool:
    return start.day == 1 and start.month in (1, 4, 7, 10) and quarter(start.year, (start.month - 1) // 3 + 1).end == end


# --- readers, one per query pages fetch -------------------------------------------------------------

NOT_COUNTS = {  # numeric columns that are not counts of people, and why
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",  # rates, with their limits
    "comparator_value",
    "local_comparator_value",
    "benchmark_value",  # rates of the comparator
    "stage_order",
    "step_order",
    "day",
    "median_days",
    "p90_days",
    "median_days_from_entry",
    "median_days_from_previous",
    "km_median_days_from_entry",
    "groups_compared",
    "degrees_of_freedom",
    "test_statistic",
    "p_value",
    "capacity_per_year",
    "capacity_places",
    "fte",
    "idva_fte",
    "idva_fte_needed",
    "fte_gap",
    "n_services",
    "latitude",
    "longitude",
    "expected_marac_cases",  # the register and SafeLives' arithmetic on residents
    "women_16_plus",  # residents, from the census
}
PLAN_FIGURES = {  # the action plan counts targets, and its values are its indicators' rates
    "targets",
    "smart",
    "met",
    "on_track",
    "within_uncertainty",
    "off_track",
    "missed",
    "no_trajectory",
    "not_assessable",
    "days_left",
    "baseline_value",
    "target_value",
    "trajectory_expected",
    "forecast_value",
    "forecast_lower_95",
    "forecast_upper_95",
}


def numeric_columns(frame: pl.DataFrame) -> set[str]:
    return {name for name, dtype in frame.schema.items() if dtype.is_numeric() or dtype == pl.Null}


def declare(findings: Findings, where: str, frame: pl.DataFrame, counts: Iterable[str], others: Iterable[str]) -> None:
    """Every numeric column of `frame` must be a count read, or a rate or other figure known not to be a count."""
    undeclared = numeric_columns(frame) - set(counts) - set(others) - NOT_COUNTS
    findings.undeclared += [f"{where}: {column}" for column in sorted(undeclared)]


def aligned(published: pl.DataFrame, truth: pl.DataFrame, keys: list[str]) -> Iterable[tuple[dict, dict]]:
    """Published rows beside the same rows computed without disclosure control."""
    true_rows = {tuple(row[k] for k in keys): row for row in truth.iter_rows(named=True)}
    for row in published.iter_rows(named=True):
        yield row, true_rows[tuple(row[k] for k in keys)]


def period_of(row: dict, fallback: Period) -> Period:
    if row.get("cut") == "quarter":
        year, number = row["cut_value"].split(" Q")
        return quarter(int(year), int(number))
    if row.get("cut") == "month":
        year, number = row["cut_value"].split("-")[:2]
        return month(int(year), int(number))
    return fallback


def read_indicator(
    findings: Findings,
    where: str,
    frame: pl.DataFrame,
    truth: pl.DataFrame,
    filters: Filters,
    *,
    exact_district: bool = True,
    comparators: bool = True,
) -> None:
    """`compute` rows: the numerator (and a proportion's denominator) of each cut, with the value it gives."""
    declare(findings, where, frame, ["numerator", "denominator"], [])
    if frame.is_empty():
        return
    indicator = get(frame["indicator_id"][0])
    is_proportion = indicator.method is Method.PROPORTION
    if filters.by in GROUP_DIMENSIONS:  # a cut lists every ward, or every group with its 'unknown'
        for part in ("numerator", "denominator"):
            findings.lists_every(
                cell(("indicator", indicator.id, part), filters.period, filters.groups, **{filters.by: None}), filters.by
            )
    for row, true in aligned(frame, truth, ["cut_value"]):
        period = period_of(row, filters.period)
        slices = {filters.by: row["cut_value"]} if filters.by in GROUP_DIMENSIONS else {}
        numerator = cell(("indicator", indicator.id, "numerator"), period, filters.groups, **slices)
        denominator = cell(("indicator", indicator.id, "denominator"), period, filters.groups, **slices)
        at = f"{where} {row['cut_value']}"
        # `compute` leaves the whole district's all-people figure over a year as it is; anything else is protected
        exact = exact_district and row["cut"] == "district" and is_exact(filters.groups, filters.period)
        findings.count(
            f"{at} numerator",
            numerator,
            row["numerator"],
            true["numerator"],
            hidden=bool(row["numerator_suppressed"]),
            exact=exact,
        )
        if is_proportion:
            findings.count(
                f"{at} denominator",
                denominator,
                row["denominator"],
                true["denominator"],
                hidden=bool(row.get("denominator_suppressed")),
                exact=exact,
            )
        true_counts = [true["numerator"], true["denominator"] if is_proportion else None]
        # the limits beside the value are inverted too (Wilson for proportions, exact Poisson or Byar's for rates)
        limits = [row.get(column) for column in ("lower_95", "upper_95", "lower_998", "upper_998")]
        formula = _limits_formula(indicator)
        if indicator.method is Method.COUNT:
            findings.ratio(f"{at} value", row["value"], numerator, 1.0, multiplier=1, true_counts=true_counts)
        elif is_proportion:
            findings.ratio(
                f"{at} value",
                row["value"],
                numerator,
                denominator,
                multiplier=indicator.multiplier,
                true_counts=true_counts,
                limits=limits,
                formula=formula,
            )
        elif row["denominator"]:
            findings.populations[numerator] = float(row["denominator"])
            findings.ratio(
                f"{at} value",
                row["value"],
                numerator,
                float(row["denominator"]),
                multiplier=indicator.multiplier,
                true_counts=true_counts,
                limits=limits,
                formula=formula,
            )
        if comparators and row["comparator_value"] is not None:
            compared = _comparator_cell(numerator, filters)
            if compared is not None:
                findings.comparators.append(
                    (
                        float(row["comparator_value"]),
                        compared,
                        replace(compared, measure=denominator.measure) if is_proportion else None,
                    )
                )


def _limits_formula(indicator) -> Formula:
    """A result's value and 95% and 99.8% limits from counts, as `compute` works them out."""

    def formula(numerator: float, denominator: float) -> tuple[float | None, ...]:
        figures = []
        for confidence in (0.95, 0.998):
            worked = interval(indicator, numerator, denominator, confidence)
            if worked is None:
                return None, None, None, None, None
            figures += [worked.lower, worked.upper]
        return (worked.value, *figures)

    return formula


def _comparator_cell(numerator: Cell, filters: Filters) -> Cell | None:
    """The count behind a row's comparator: the district under the same groups, or the same group across the district."""
    if filters.by in ("quarter", "month", "year") or (filters.by is None and filters.groups.ward_code is None):
        return None  # a trend has no comparator; the district's is a published benchmark
    if filters.by in (None, "ward") or filters.groups.ward_code is not None:
        return numerator.without("ward")
    return numerator.without(filters.by)


def read_scorecard(
    findings: Findings,
    where: str,
    frame: pl.DataFrame,
    truth: pl.DataFrame,
    filters: Filters,
    annual_truth: Callable[[str], pl.DataFrame],
) -> None:
    """One `compute` row per headline indicator, and its annual values (rates) for a sparkline."""
    for indicator_id in frame["indicator_id"].unique(maintain_order=True):
        rows = frame.filter(pl.col("indicator_id") == indicator_id)
        true_rows = truth.filter(pl.col("indicator_id") == indicator_id)
        read_indicator(
            findings,
            f"{where} {indicator_id}",
            rows.drop("topic", "years", "annual_values"),
            true_rows.drop("topic", "years", "annual_values"),
            filters,
        )
        years, values = rows["years"][0].to_list(), rows["annual_values"][0].to_list()
        if not years:
            continue
        numerators = dict(annual_truth(indicator_id).select("cut_value", "numerator").iter_rows())
        for year, value in zip(years, values, strict=True):
            if value is not None and 1 <= (numerators.get(year) or 0) <= findings.rule.threshold:
                findings.rates_of_small_counts.append(f"{where} {indicator_id} {year}: {value} from {numerators[year]}")


def read_attrition(
    findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame, period: Period, groups: GroupFilters, by: str | None
) -> None:
    """The justice funnel: each stage's count, conversion and awaiting, named by what they count, so a number
    that two stages share (charged crimes: one stage's count, the next one's denominator) is one unknown."""
    columns = {
        "count": "count",
        "conversion_numerator": "converted",
        "conversion_denominator": "eligible",
        "awaiting": "awaiting",
    }
    declare(
        findings,
        where,
        frame,
        [*columns, "crimes"],
        ["conversion_pct", "conversion_lower_95", "conversion_upper_95", "share_of_crimes_pct"],
    )
    stages = {stage.name: stage for stage in STAGES}
    cuts: dict[str, dict[str, Cell]] = {}
    for row, true in aligned(frame, truth, ["cut_value", "is_total", "stage"]):
        stage = stages[row["stage"]]
        slices = {} if row["is_total"] else {by: row["cut_value"]}
        exact = row["is_total"] and is_exact(groups, period)
        named = {column: getattr(stage, field) for column, field in columns.items()} | {"crimes": "crimes"}
        keys = {column: cell(("attrition", name), period, groups, **slices) for column, name in named.items() if name}
        cuts.setdefault(f"{row['is_total']} {row['cut_value']}", {}).update({named[column]: key for column, key in keys.items()})
        for column, key in keys.items():
            findings.count(
                f"{where} {row['cut_value']} {row['stage']} {column}",
                key,
                row[column],
                true[column],
                hidden=bool(row[f"{column}_suppressed"]),
                exact=exact,
            )
            if row["is_total"] and by is not None:
                findings.lists_every(key, by)
        at = f"{where} {row['cut_value']} {row['stage']}"
        if stage.converted:
            findings.ratio(
                f"{at} conversion",
                row["conversion_pct"],
                keys["conversion_numerator"],
                keys["conversion_denominator"],
                multiplier=100,
                true_counts=[true["conversion_numerator"], true["conversion_denominator"]],
            )
        findings.ratio(
            f"{at} share of crimes",
            row["share_of_crimes_pct"],
            keys["count"],
            keys["crimes"],
            multiplier=100,
            true_counts=[true["count"], true["crimes"]],
        )
    for counted in cuts.values():
        # metrics/sql/_attrition_funnel.sql: each stage holds only crimes that reached the one before it
        for whole, parts in (
            ("referred", ["referred_and_decided", "awaiting_charge_decision"]),
            ("charged", ["prosecution_completed", "awaiting_court_outcome"]),
        ):
            if whole in counted and all(part in counted for part in parts):
                pieces = [counted[part] for part in parts]
                truths = [findings.truth.get(key) for key in (counted[whole], *pieces)]
                findings.adds_up(counted[whole], pieces, complete=None not in truths and truths[0] == sum(truths[1:]))
        for whole, part in (
            ("incidents", "incidents_recorded_as_crime"),
            ("crimes", "arrested"),
            ("crimes", "referred"),
            ("arrested", "arrested_and_referred"),
            ("referred", "arrested_and_referred"),
            ("referred_and_decided", "charged"),
            ("prosecution_completed", "convicted"),
        ):
            if whole in counted and part in counted:
                findings.adds_up(counted[whole], [counted[part]], complete=False)


def read_days(
    findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame, period: Period, groups: GroupFilters
) -> None:
    declare(findings, where, frame, ["cases"], [])
    for row, true in aligned(frame, truth, ["cut_value", "step"]):
        key = cell(("days between stages", row["step"]), period, groups)
        findings.count(
            f"{where} {row['step']} cases",
            key,
            row["cases"],
            true["cases"],
            hidden=bool(row["cases_suppressed"]),
            exact=row["is_total"] and is_exact(groups, period),
        )
        if row["cases"] is None:  # the days are shown only beside a count that is
            for column in ("median_days", "p90_days"):
                if row[column] is not None:
                    findings.rates_of_small_counts.append(f"{where} {row['step']} {column} shown without its count")


def read_journey_steps(
    findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame, cohort: str, period: Period, groups: GroupFilters
) -> None:
    counts = ["people", "cohort_people", "previous_people"]
    declare(
        findings,
        where,
        frame,
        counts,
        ["share_of_cohort_pct", "share_lower_95", "share_upper_95", "share_of_previous_pct", "never_reached_pct"],
    )
    steps = {row["step"]: cell(("journey", cohort, row["step"]), period, groups) for row in frame.iter_rows(named=True)}
    for row, true in aligned(frame, truth, ["step"]):
        # the cohort is the entry step's people; the step before, that step's people
        keys = {
            "people": steps[row["step"]],
            "cohort_people": steps["entry"],
            "previous_people": steps[row["previous_step"]] if row["previous_step"] else steps["entry"],
        }
        for column in counts:
            findings.count(
                f"{where} {row['step']} {column}",
                keys[column],
                row[column],
                true[column],
                hidden=bool(row[f"{column}_suppressed"]),
            )
        at = f"{where} {row['step']}"
        findings.ratio(
            f"{at} share of cohort",
            row["share_of_cohort_pct"],
            keys["people"],
            keys["cohort_people"],
            multiplier=100,
            true_counts=[true["people"], true["cohort_people"]],
        )
        findings.ratio(
            f"{at} share of step before",
            row["share_of_previous_pct"],
            keys["people"],
            keys["previous_people"],
            multiplier=100,
            true_counts=[true["people"], true["previous_people"]],
        )
        if row["previous_step"]:  # only people who reached the step before are counted at a step
            findings.adds_up(keys["previous_people"], [keys["people"]], complete=False)
        for column in ("median_days_from_entry", "median_days_from_previous", "km_median_days_from_entry", "never_reached_pct"):
            if row[column] is not None and row["people"] is None:
                findings.rates_of_small_counts.append(f"{at} {column} shown without its count")


def read_survival(
    findings: Findings,
    where: str,
    frame: pl.DataFrame,
    truth: pl.DataFrame,
    cohort: str,
    period: Period,
    groups: GroupFilters,
    measure: str,
    by: str,
) -> None:
    """Kaplan-Meier curves per group; a group too small to draw is left out, which hides its counts."""
    declare(findings, where, frame, ["people", "at_risk", "reached"], ["reached_pct", "reached_lower_95", "reached_upper_95"])
    published = {(row["group_value"], row["day"]): row for row in frame.iter_rows(named=True)}
    for true in truth.iter_rows(named=True):
        row = published.get((true["group_value"], true["day"]))
        slices = {} if true["is_total"] else {by: true["group_value"]}
        people = cell(("journey", cohort, "entry"), period, groups, **slices)  # everyone the curve follows
        at_risk = cell(("survival", cohort, measure, "at risk", true["day"]), period, groups, **slices)
        reached = cell(("survival", cohort, measure, "reached", true["day"]), period, groups, **slices)
        at = f"{where} {true['group_value']} day {true['day']}"
        for key, column in ((people, "people"), (at_risk, "at_risk"), (reached, "reached")):
            if row is None:
                findings.count(f"{at} {column} (group left out)", key, None, true[column], hidden=True)
            else:
                findings.count(f"{at} {column}", key, row[column], true[column], hidden=bool(row[f"{column}_suppressed"]))
            if true["is_total"]:
                findings.lists_every(key, by)
        if row is not None and row["reached_pct"] is not None:
            small = [true[c] for c in ("reached", "at_risk") if 1 <= true[c] <= findings.rule.threshold]
            if small:
                findings.rates_of_small_counts.append(f"{at}: {row['reached_pct']}% shown with counts {small}")
        for part in (at_risk, reached):  # both are among the people followed (day 0 counts everyone at risk)
            findings.adds_up(people, [part], complete=False)


def read_standardised(findings: Findings, where: str, frame: pl.DataFrame) -> None:
    """Age-standardised rates by ward: only rates are published to protected audiences (from protected counts by
    age band); the counts and crude rates are `compute`'s, read on their own."""
    rates = ["standardised", "standardised_lower_95", "standardised_upper_95", "standardised_lower_998", "standardised_upper_998"]
    counts_and_crude = ["events", "events_of_unknown_age", "person_years", "crude", "crude_lower_95", "crude_upper_95"]
    declare(findings, where, frame, [], [*rates, *counts_and_crude])
    for row in frame.iter_rows(named=True):
        for column in counts_and_crude:
            if row[column] is not None:
                findings.rates_of_small_counts.append(f"{where} {row['ward_code']} {column} published beside protected counts")
        if row["value_suppressed"] and row["standardised"] is not None:
            findings.rates_of_small_counts.append(f"{where} {row['ward_code']} standardised rate of a hidden band shown")


def read_standardised_points(findings: Findings, where: str, frame: pl.DataFrame) -> None:
    """Wards' age-standardised rates shaped for the map and the funnel: rates only (from protected counts by age
    band); the equivalent size is worked out from a published rate and its published interval, not a count."""
    # numerator: always empty here (checked below)
    declare(findings, where, frame, [], ["numerator", "denominator", "value", "lower_95", "upper_95", "comparator_value"])
    for row in frame.iter_rows(named=True):
        if row["numerator"] is not None:
            findings.rates_of_small_counts.append(f"{where} {row['cut_value']} a count published with a standardised rate")
        if row["value_suppressed"] and row["value"] is not None:
            findings.rates_of_small_counts.append(f"{where} {row['cut_value']} standardised rate of a hidden band shown")


def read_cut_rows(
    findings: Findings,
    where: str,
    frame: pl.DataFrame,
    truth: pl.DataFrame,
    measure: tuple,
    period: Period,
    groups: GroupFilters,
    by: str | None,
    counts: list[str],
    ratios: dict[str, tuple[str, str]],
    other_rates: Iterable[str],
    keys: list[str],
    label: str = "",
) -> None:
    """Rows of a selection's total (`is_total`) and each ward or group (journeys' timing and missed chances)."""
    declare(findings, where, frame, counts, [*ratios, *other_rates])
    for row, true in aligned(frame, truth, keys):
        slices = {} if row["is_total"] else {by: row["group_value"]}
        tag = (row[label],) if label else ()
        cells = {column: cell((*measure, *tag, column), period, groups, **slices) for column in counts}
        at = f"{where} {' '.join(str(row[k]) for k in keys)}"
        for column in counts:
            findings.count(
                f"{at} {column}",
                cells[column],
                row[column],
                true[column],
                hidden=bool(row[f"{column}_suppressed"]),
                exact=row["is_total"] and is_exact(groups, period),
            )
            if row["is_total"] and by is not None:
                findings.lists_every(cells[column], by)
        for rate, (numerator, denominator) in ratios.items():
            findings.ratio(
                f"{at} {rate}",
                row[rate],
                cells[numerator],
                cells[denominator],
                multiplier=100,
                true_counts=[true[numerator], true[denominator]],
            )
            findings.adds_up(cells[denominator], [cells[numerator]], complete=False)


def read_perpetrator_programmes(findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame, period: Period) -> None:
    rates = {
        "start_pct": ("n_started", "n_offered"),
        "completion_pct": ("n_completed", "n_ended_after_start"),
        "completed_pct_of_offered": ("n_completed", "n_offered"),
    }
    read_service_rows(
        findings,
        where,
        frame,
        truth,
        ("perpetrator programme",),
        period,
        ["n_offered", "n_started", "n_ended_after_start", "n_completed", "n_disengaged"],
        rates,
        subsets=[
            ("n_offered", ["n_started"]),
            ("n_started", ["n_ended_after_start"]),
            ("n_ended_after_start", ["n_completed", "n_disengaged"]),
        ],
    )


def read_service_rows(
    findings: Findings,
    where: str,
    frame: pl.DataFrame,
    truth: pl.DataFrame,
    measure: tuple,
    period: Period,
    counts: list[str],
    rates: dict[str, tuple[str, str]],
    subsets: list[tuple[str, list[str]]],
    places: dict[str, str] | None = None,
) -> None:
    """Per-service counts: each is one unknown; a rate beside them narrows them."""
    limits = [f"{rate}_{end}_95" for rate in rates for end in ("lower", "upper")]
    declare(findings, where, frame, counts, [*rates, *limits, *(places or {})])
    for row, true in aligned(frame, truth, ["service_id"]):
        cells = {column: cell((*measure, row["service_id"], column), period, GroupFilters()) for column in counts}
        at = f"{where} {row['service_id']}"
        for column in counts:
            findings.count(f"{at} {column}", cells[column], row[column], true[column], hidden=bool(row[f"{column}_suppressed"]))
        for rate, (numerator, denominator) in rates.items():
            findings.ratio(
                f"{at} {rate}",
                row[rate],
                cells[numerator],
                cells[denominator],
                multiplier=100,
                true_counts=[true[numerator], true[denominator]],
            )
        for rate, numerator in (places or {}).items():  # a share of the places, known from the register
            if row[rate] is not None and row["capacity_places"]:  # the places published, whole
                findings.ratio(
                    f"{at} {rate}",
                    row[rate],
                    cells[numerator],
                    row["capacity_places"],
                    multiplier=100,
                    true_counts=[true[numerator]],
                )
        for total, parts in subsets:
            findings.adds_up(cells[total], [cells[part] for part in parts], complete=False)


def read_gap_analysis(findings: Findings, where: str, analysis, truth) -> None:
    """The Services page's `GapAnalysis` (and so the workbook's): coverage, IDVA, capacity, outcomes, indicators."""
    period = analysis.period
    coverage_counts = ["people_reached", "estimated_need"]
    # unmet need and its limits are worked out from the published need and reach (and places); places and distances
    # describe services
    declare(
        findings,
        f"{where} coverage",
        analysis.coverage,
        coverage_counts,
        [
            "reach_pct_of_need",
            "capacity_pct_of_need",
            "unmet_need",
            "unmet_need_lower_95",
            "unmet_need_upper_95",
            "added_places",
            "nearest_service_km",
        ],
    )
    for row, true in aligned(analysis.coverage, truth.coverage, ["ward_code", "client_group"]):
        cells = {
            column: cell(("coverage", row["client_group"], column), period, GroupFilters(row["ward_code"]))
            for column in coverage_counts
        }
        at = f"{where} coverage {row['ward_code']} {row['client_group']}"
        for column in coverage_counts:
            # need that is not estimated for a group is blank and not a count at all
            findings.count(f"{at} {column}", cells[column], row[column], true[column], hidden=bool(row[f"{column}_suppressed"]))
        findings.ratio(
            f"{at} reach",
            row["reach_pct_of_need"],
            cells["people_reached"],
            cells["estimated_need"],
            multiplier=100,
            true_counts=[true["people_reached"], true["estimated_need"]],
        )
        if row["capacity_places"]:  # places as a share of need: the need follows from the places published
            findings.ratio(
                f"{at} places",
                row["capacity_pct_of_need"],
                float(row["capacity_places"]),
                cells["estimated_need"],
                multiplier=100,
                true_counts=[true["estimated_need"]],
            )
    idva_counts = ["n_marac_cases", "n_idva_starts"]
    # the shortfall for cases heard is the FTE needed for them less the FTE registered; administrators for the cases
    # expected follow from residents
    declare(
        findings,
        f"{where} idva",
        analysis.idva,
        idva_counts,
        [
            "idva_fte_needed_for_cases_heard",
            "caseload_per_fte",
            "fte_gap_for_cases_heard",
            "marac_admin_fte_needed",
            "marac_admin_fte_needed_for_cases_heard",
        ],
    )
    wards = []
    for row, true in aligned(analysis.idva, truth.idva, ["ward_code"]):
        ward = None if row["level"] == "district" else row["ward_code"]
        cells = {column: cell(("idva", column), period, GroupFilters(ward)) for column in idva_counts}
        at = f"{where} idva {row['ward_code']}"
        for column in idva_counts:
            findings.count(f"{at} {column}", cells[column], row[column], true[column], hidden=bool(row[f"{column}_suppressed"]))
        if row["idva_fte_needed_for_cases_heard"] is not None:  # cases a year / 100, to 2 decimals
            findings.ratio(
                f"{at} IDVA FTE for cases heard",
                row["idva_fte_needed_for_cases_heard"],
                cells["n_marac_cases"],
                period.years * 100,
                multiplier=1,
                true_counts=[true["n_marac_cases"]],
            )
        if row["marac_admin_fte_needed_for_cases_heard"] is not None:  # cases a year / 400, to 2 decimals
            findings.ratio(
                f"{at} administrators for cases heard",
                row["marac_admin_fte_needed_for_cases_heard"],
                cells["n_marac_cases"],
                period.years * 400,
                multiplier=1,
                true_counts=[true["n_marac_cases"]],
            )
        if ward:
            wards.append(ward)
    read_service_rows(
        findings,
        f"{where} capacity",
        analysis.capacity,
        truth.capacity,
        ("service",),
        period,
        ["n_referrals", "n_started"],
        {},
        [("n_referrals", ["n_started"])],
        places={"demand_pct_of_capacity": "n_referrals", "utilisation_pct": "n_started"},
    )
    read_service_rows(
        findings,
        f"{where} outcomes",
        analysis.outcomes,
        truth.outcomes,
        ("service",),
        period,
        ["n_referrals", "n_started", "n_ended_after_start", "n_completed", "n_disengaged", "n_declined"],
        {"completion_pct": ("n_completed", "n_ended_after_start"), "dropout_pct": ("n_disengaged", "n_ended_after_start")},
        [
            ("n_referrals", ["n_started"]),
            ("n_started", ["n_ended_after_start"]),
            ("n_ended_after_start", ["n_completed", "n_disengaged"]),
        ],
    )
    filters = Filters(period=period, groups=GroupFilters(analysis.ward_code))
    for indicator_id in analysis.indicators["indicator_id"].unique(maintain_order=True):
        rows = analysis.indicators.filter(pl.col("indicator_id") == indicator_id)
        true_rows = truth.indicators.filter(pl.col("indicator_id") == indicator_id)
        # the gap analysis rounds the district totals `compute` leaves exact, as it exports them
        read_indicator(findings, f"{where} indicators {indicator_id}", rows, true_rows, filters, exact_district=False)
    declare(findings, f"{where} benchmarks", analysis.benchmarks, [], [])
    declare(findings, f"{where} register", analysis.register, [], [])


def read_hidden_need(findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame, filters: Filters) -> None:
    """Known victims against expected by sex, ethnic group and both: `compute` cuts of the reporting ratio."""
    declare(findings, where, frame, ["numerator"], ["denominator"])  # the victims the survey predicts: an estimate
    indicator = get("hidden_need_reporting_ratio")
    groups = GroupFilters(ward_code=filters.groups.ward_code, age_band=filters.groups.age_band)
    for row, true in aligned(frame, truth, ["group"]):
        key = cell(("indicator", indicator.id, "numerator"), filters.period, groups, sex=row["sex"], ethnicity=row["ethnicity"])
        findings.count(
            f"{where} {row['group']}",
            key,
            row["numerator"],
            true["numerator"],
            hidden=bool(row["value_suppressed"]) and row["numerator"] is None,
        )
        if row["denominator"]:
            findings.ratio(
                f"{where} {row['group']} value",
                row["value"],
                key,
                float(row["denominator"]),
                multiplier=indicator.multiplier,
                true_counts=[true["numerator"]],
            )


def read_plan(findings: Findings, where: str, view) -> None:
    """The action plan: targets and their indicators' values (rates worked out by `compute` under the board's rule)."""
    for name in ("targets", "checks", "series", "summary"):
        declare(findings, f"{where} {name}", getattr(view, name), [], PLAN_FIGURES)
    counts = {indicator.id for indicator in all_indicators() if indicator.method is Method.COUNT}
    for target in view.targets.filter(pl.col("indicator_id").is_in(list(counts))).iter_rows(named=True):
        for column in ("baseline_value", "value", "forecast_value"):  # a count indicator's value is a count
            if target[column] is not None and 1 <= target[column] <= findings.rule.threshold:
                findings.small_shown.append(f"{where} {target['target_id']} {column}: {target[column]}")


def read_rows_by_extract(findings: Findings, where: str, frame: pl.DataFrame, truth: pl.DataFrame) -> None:
    """Rows loaded and rejected per source in the latest refresh: rows in files, over no period, ward or group, so
    no published count of people adds up to them or is part of them, and each is an unknown of its own. They are
    exact (nothing rounds a file's rows), but none from 1 to the threshold may be printed (a small refused file)."""
    declare(findings, where, frame, ["rows_loaded", "rows_rejected"], [])
    for row, true in aligned(frame, truth, ["extract_title"]):
        for column in ("rows_loaded", "rows_rejected"):
            key = ("rows in files", column, row["extract_title"])
            findings.count(f"{where} {row['extract_title']} {column}", key, row[column], true[column], hidden=True, exact=True)


DATES_AND_DAYS = re.compile(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\b\d[\d,]* days?\b")


def read_freshness(findings: Findings, where: str, frame: pl.DataFrame) -> None:
    """Each source's freshness in words: dates and days behind, never a count (the records a source holds are not
    printed); a figure in the words that is neither is reported as undeclared."""
    declare(findings, where, frame, [], [])
    for row in frame.iter_rows(named=True):
        if re.search(r"\d", DATES_AND_DAYS.sub("", row["status_text"])):
            findings.undeclared.append(
                f"{where} {row['extract_title']}: a figure that is not a date or days: {row['status_text']}"
            )


def read(findings: Findings, name: str, arguments: dict, published, truth, *, true_query: Callable) -> None:
    """Hand one fetched result to its reader; a query no reader knows fails the test."""
    where = f"{name}({_describe(arguments)})"
    if name == "indicator":
        read_indicator(findings, where, published, truth, arguments["filters"])
    elif name == "scorecard":
        filters = arguments["filters"]

        def annual(indicator_id: str) -> pl.DataFrame:
            span = Period(filters.period.end.replace(year=filters.period.end.year - 5), filters.period.end, "span")
            return true_query(
                lambda con, rule: compute(con, indicator_id, Filters(span, "year", filters.groups), rule=rule, with_trend=False)
            )

        read_scorecard(findings, where, published, truth, filters, annual)
    elif name == "ward_funnel":
        points, _ = published
        true_points, _ = truth
        filters = arguments["filters"]
        every_ward = Filters(filters.period, "ward", replace(filters.groups, ward_code=None))
        read_indicator(
            findings,
            where,
            points.with_columns(
                indicator_id=pl.lit(arguments["indicator_id"]),
                cut=pl.lit("ward"),
                numerator_suppressed=pl.col("value_suppressed") & pl.col("numerator").is_null(),
                denominator_suppressed=pl.col("value_suppressed") & pl.col("denominator").is_null(),
            ),
            true_points.with_columns(indicator_id=pl.lit(arguments["indicator_id"])),
            every_ward,
        )
    elif name == "hidden_need_by_group":
        read_hidden_need(findings, where, published, truth, arguments["filters"])
    elif name == "attrition_funnel":
        read_attrition(findings, where, published, truth, arguments["period"], arguments["groups"], arguments["by"])
    elif name == "days_between_stages":
        read_days(findings, where, published, truth, arguments["period"], arguments["groups"])
    elif name == "journey_steps":
        read_journey_steps(findings, where, published, truth, arguments["cohort"], arguments["period"], arguments["groups"])
    elif name == "journey_survival":
        read_survival(
            findings,
            where,
            published,
            truth,
            arguments["cohort"],
            arguments["period"],
            arguments["groups"],
            arguments["measure"],
            arguments["by"],
        )
    elif name == "journey_logrank":
        declare(findings, where, published, [], [])
    elif name == "standardised_by_ward":
        read_standardised(findings, where, published)
    elif name == "standardised_ward_points":
        read_standardised_points(findings, where, published)
    elif name == "standardised_ward_funnel":
        read_standardised_points(findings, where, published[0])
    elif name == "hidden_need_adjusted_for":
        assert isinstance(published, str)  # words only: what the estimate was adjusted for
    elif name == "outcomes_mature_through":
        assert isinstance(published, dict)  # dates only: how far each indicator's outcomes are complete
    elif name == "journey_timing":
        sides = ("supported_before", "supported_later_or_not")
        read_cut_rows(
            findings,
            where,
            published,
            truth,
            ("timing",),
            arguments["period"],
            arguments["groups"],
            arguments["by"],
            [f"{side}_{what}" for side in sides for what in ("crimes", "issues")],
            {f"{side}_issue_pct": (f"{side}_issues", f"{side}_crimes") for side in sides},
            [f"{side}_{end}_95" for side in sides for end in ("lower", "upper")],
            ["group_value"],
        )
    elif name == "journey_missed":
        read_cut_rows(
            findings,
            where,
            published,
            truth,
            ("missed chance",),
            arguments["period"],
            arguments["groups"],
            arguments["by"],
            ["missed", "eligible"],
            {"missed_pct": ("missed", "eligible")},
            ["missed_lower_95", "missed_upper_95"],
            ["measure", "group_value"],
            label="measure",
        )
    elif name == "perpetrator_interventions":
        read_perpetrator_programmes(findings, where, published, truth, arguments["period"])
    elif name in ("gap_analysis",):
        read_gap_analysis(findings, where, published, truth)
    elif name == "plan_view":
        read_plan(findings, where, published)
    elif name == "rows_by_extract":
        read_rows_by_extract(findings, where, published, truth)
    elif name == "freshness":
        read_freshness(findings, where, published)
    else:
        findings.undeclared.append(f"{where}: no reader for this query")


def _describe(arguments: dict) -> str:
    parts = []
    for name, value in arguments.items():
        if isinstance(value, Filters):
            value = f"{value.period.label}, by {value.by}, {_groups(value.groups)}"
        elif isinstance(value, GroupFilters):
            value = _groups(value)
        elif isinstance(value, Period):
            value = value.label
        parts.append(f"{name}={value}")
    return ", ".join(parts)


def _groups(groups: GroupFilters) -> str:
    chosen = [f"{name}={value}" for name, value in dataclasses.asdict(groups).items() if value is not None]
    return " ".join(chosen) or "everyone"
