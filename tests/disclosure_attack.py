"""Attackers who know the disclosure rule and try to work hidden counts out from what is published.

A published count is only known to within its rounding band; a hidden one could be anything. What an
attacker adds is arithmetic: parts add up to their total, a count is never negative, and a rate or
percentage published beside its denominator says how big its numerator is. `interval_attack` works on one
two-way table; `Attacker` on any set of counts tied together by totals and ratios, such as everything
one page shows, or everything one role fetched across many sessions.

A ratio is attacked with every figure published beside it: its value and its confidence limits (Wilson,
Byar's or exact Poisson), inverted back to the counts that give them, by the product's own statistics.
The attacker does not assume how the figures were made: they may come from the exact counts (then a
rate times its denominator gives the count back) or from the counts as published (then they say nothing
new). A count is narrowed to the union of what either way allows, which is sound whichever is true; a
ratio only the exact counts can explain is an exact fact, and joins the linear programme. Once a figure
beside a rounded count can only have come from the exact count, the attacker knows how the product makes
its figures and reads every figure that way.

A count is recovered when it is hidden and pinned to one value above 0, or when it is published rounded
and pinned to one value (the rounding undone).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from metrics.disclosure import DisclosureRule

BIG = 10**9  # no upper bound


def preimage(value: float, rule: DisclosureRule) -> tuple[int, int]:
    """What an attacker who knows the rule learns from one published rounded value: the counts it can stand for."""
    if value == 0:
        return 0, 0
    base, threshold = rule.rounding_base, rule.threshold
    # halves round up: n publishes as v when 2v - base <= 2n < 2v + base
    low, high = max(threshold + 1, math.ceil((2 * value - base) / 2)), math.ceil((2 * value + base) / 2) - 1
    first_above_threshold = -(-(threshold + 1) // base) * base
    if value == first_above_threshold:  # counts whose nearest multiple would be at or below the threshold land here
        low = threshold + 1
    return low, high


def line_indices(shape):
    rows, columns = shape
    across = [[(i, j) for j in range(columns)] for i in range(rows)]
    return across + [[(i, j) for i in range(rows)] for j in range(columns)]  # parts, then the total


def interval_attack(published: np.ndarray, rule: DisclosureRule, *, exact_totals: bool) -> tuple[np.ndarray, ...]:
    """Bounds on every entry of a two-way table with its margins, from published values, non-negativity and
    every line adding up, iterated."""
    low, high = np.zeros(published.shape, dtype=np.int64), np.full(published.shape, BIG, dtype=np.int64)
    for (i, j), value in np.ndenumerate(published):
        is_total = i == published.shape[0] - 1 or j == published.shape[1] - 1
        if not np.isnan(value):
            low[i, j], high[i, j] = (value, value) if exact_totals and is_total else preimage(value, rule)
    for _ in range(50):
        before = (low.copy(), high.copy())
        for line in line_indices(published.shape):
            parts, total = line[:-1], line[-1]
            low[total] = max(low[total], sum(low[p] for p in parts))
            high[total] = min(high[total], sum(high[p] for p in parts))
            for part in parts:
                others = [p for p in parts if p != part]
                low[part] = max(low[part], low[total] - sum(high[p] for p in others))
                high[part] = min(high[part], high[total] - sum(low[p] for p in others))
        if np.array_equal(before[0], low) and np.array_equal(before[1], high):
            break
    return low, high


@dataclass(frozen=True)
class Line:
    """`parts` add up to `total`; when not `complete`, to at most `total` (a category is left out)."""

    total: Hashable
    parts: tuple[Hashable, ...]
    complete: bool


Formula = Callable[[float, float], tuple[float | None, ...]]  # (numerator, denominator) -> the figures published


@dataclass(eq=False)
class Ratio:
    """`multiplier * numerator / denominator` lies in [low, high]; the denominator is a count or a known number.

    `figures` are the value and any limits published beside it, and `formula` works them out from counts
    (None: the value alone, as multiplier x numerator / denominator). `exact_only` is set once only the exact
    counts explain the figures: the ratio is then a fact about them.
    """

    numerator: Hashable
    denominator: Hashable | float
    low: float
    high: float
    multiplier: float
    figures: tuple[float | None, ...] = ()
    formula: Formula | None = None
    exact_only: bool = False
    checked: dict = field(default_factory=dict)

    @property
    def has_count_numerator(self) -> bool:
        return not isinstance(self.numerator, int | float)

    @property
    def has_count_denominator(self) -> bool:
        return not isinstance(self.denominator, int | float)


def published_band(value: float) -> tuple[float, float]:
    """The values a published figure can stand for: to its last shown decimal, or to floating-point error."""
    text = repr(float(value))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 16
    # rounded for display (or exact): anything that rounds to it; otherwise floating-point error
    spread = 0.5 * 10**-decimals if decimals <= 3 else 1e-9 * abs(value) + 1e-12
    return value - spread, value + spread


class Attacker:
    """Someone who knows the rule and sees published counts, the totals they add up to and the rates worked out
    from them. `solve` gives the narrowest range each count can lie in; `recovered` the hidden counts pinned down."""

    def __init__(self, rule: DisclosureRule) -> None:
        self.rule = rule
        self.bounds: dict[Hashable, tuple[int, int]] = {}
        self.hidden: set[Hashable] = set()
        self.shown: set[Hashable] = set()
        self.lines: list[Line] = []
        self.ratios: list[Ratio] = []
        self.contradictions: list[str] = []
        self.rounded: set[Hashable] = set()  # published rounded somewhere
        self.exact: set[Hashable] = set()  # published exactly somewhere (the whole district's figure)
        self.unprotected: set[Hashable] = set()  # counts the rule does not protect, whatever they are shown as
        # set once a figure beside a rounded count can only have come from the exact count: the product makes
        # its figures that way, so every figure is read that way from then on
        self.figures_from_exact = False

    def sees(self, key: Hashable, value: int, *, exact: bool = False) -> None:
        """A count published as `value`: exactly, or rounded under the rule."""
        low, high = (int(value), int(value)) if exact else preimage(value, self.rule)
        self.shown.add(key)
        (self.exact if exact else self.rounded).add(key)
        self._narrow(key, low, high, reason=f"published as {value}")

    def sees_hidden(self, key: Hashable) -> None:
        self.hidden.add(key)
        self._narrow(key, 0, BIG, reason="hidden")

    def knows_of(self, key: Hashable) -> None:
        """A count that exists (a total nobody published, say) but says nothing by itself."""
        self._narrow(key, 0, BIG, reason="unpublished")

    def adds_up(self, total: Hashable, parts: Iterable[Hashable], *, complete: bool = True) -> None:
        parts = tuple(dict.fromkeys(parts))
        for key in (total, *parts):
            self.knows_of(key)
        self.lines.append(Line(total, parts, complete))

    def sees_ratio(
        self,
        value: float,
        numerator: Hashable,
        denominator: Hashable | float,
        *,
        multiplier: float,
        limits: tuple[float | None, ...] = (),
        formula: Formula | None = None,
    ) -> None:
        """A rate or percentage published as `value` = multiplier * numerator / denominator, with the `limits`
        beside it that `formula` works out (with the value first) from the counts."""
        low, high = published_band(value)
        ratio = Ratio(numerator, denominator, low, high, multiplier, (value, *limits) if formula else (), formula)
        for key in (numerator, denominator):
            if not isinstance(key, int | float):
                self.knows_of(key)
        self.ratios.append(ratio)

    def solve(self) -> dict[Hashable, tuple[int, int]]:
        self._propagate()
        narrowed = set(self.bounds)
        for _ in range(10):
            before = dict(self.bounds)
            self._linear_programme(narrowed)
            self._propagate()
            narrowed = {key for key, bounds in self.bounds.items() if before[key] != bounds}
            if not narrowed:
                break
        return self.bounds

    @property
    def secret(self) -> set[Hashable]:
        """Counts hidden wherever they appear: one hidden in a table but published beside another is no secret."""
        return self.hidden - self.shown

    @property
    def protected_rounded(self) -> set[Hashable]:
        """Counts published only rounded (never exactly), that the rule protects."""
        return self.rounded - self.exact - self.unprotected

    def recovered(self) -> list[tuple[Hashable, int]]:
        """Secret counts the published figures pin to one value other than 0, and rounded counts pinned to one value."""
        pinned = [
            (key, self.bounds[key][0])
            for key in self.secret
            if self.bounds[key][0] == self.bounds[key][1] and self.bounds[key][0] > 0
        ]
        return pinned + self.unrounded()

    def unrounded(self) -> list[tuple[Hashable, int]]:
        """Counts published rounded (above 0) whose rounding the published figures undo."""
        return [
            (key, self.bounds[key][0])
            for key in self.protected_rounded
            if self.bounds[key][0] == self.bounds[key][1] and self.bounds[key][0] > 0
        ]

    def unsound(self, truth: dict[Hashable, int]) -> list[tuple[Hashable, int, tuple[int, int]]]:
        """Counts whose true value falls outside the attacker's range: a fact fed in that is not a fact."""
        return [
            (key, value, self.bounds[key])
            for key, value in truth.items()
            if key in self.bounds and not self.bounds[key][0] <= value <= self.bounds[key][1]
        ]

    def _narrow(self, key: Hashable, low: int, high: int, *, reason: str) -> bool:
        old_low, old_high = self.bounds.get(key, (0, BIG))
        new_low, new_high = max(old_low, low), min(old_high, high)
        if new_low > new_high:
            self.contradictions.append(f"{key}: {reason} contradicts [{old_low}, {old_high}]")
            new_low, new_high = old_low, old_high  # keep what was known, so one contradiction does not cascade
        self.bounds[key] = (new_low, new_high)
        return (new_low, new_high) != (old_low, old_high)

    def _propagate(self) -> None:
        for _ in range(200):
            changed = False
            for line in self.lines:
                changed |= self._propagate_line(line)
            for ratio in self.ratios:
                changed |= self._propagate_ratio(ratio)
            if not changed:
                return

    def _propagate_line(self, line: Line) -> bool:
        bounds, changed = self.bounds, False
        lows = [bounds[part][0] for part in line.parts]
        highs = [bounds[part][1] for part in line.parts]
        total_low, total_high = bounds[line.total]
        changed |= self._narrow(line.total, sum(lows), BIG if not line.complete else min(sum(highs), BIG), reason="sum")
        total_low, total_high = bounds[line.total]
        for index, part in enumerate(line.parts):
            other_lows = sum(lows) - lows[index]
            other_highs = sum(highs) - highs[index]
            low = total_low - other_highs if line.complete and other_highs < BIG else 0
            high = total_high - other_lows if total_high < BIG else BIG
            changed |= self._narrow(part, max(low, 0), high, reason="the rest of its total")
        return changed

    def _propagate_ratio(self, ratio: Ratio) -> bool:
        if not ratio.has_count_numerator:  # a known number over a count: the count follows (or its band does)
            if ratio.low <= 0:
                return False
            low = math.ceil(ratio.multiplier * ratio.numerator / ratio.high - 1e-7)
            high = math.floor(ratio.multiplier * ratio.numerator / ratio.low + 1e-7)
            if not self.figures_from_exact and low <= high:
                low, high = min(low, self._band_low(low)), max(high, self._band_high(high))
            return self._narrow(ratio.denominator, low, high, reason="its ratio")
        numerator_low, numerator_high = self.bounds[ratio.numerator]
        if ratio.has_count_denominator:
            denominator_low, denominator_high = self.bounds[ratio.denominator]
            denominator_low = max(denominator_low, 1)  # a ratio was worked out, so its denominator was not 0
        else:
            denominator_low = denominator_high = float(ratio.denominator)
        state = (numerator_low, numerator_high, denominator_low, denominator_high, self.figures_from_exact)
        if ratio.checked.get("state") == state:
            return False
        ratio.checked["state"] = state
        if denominator_high - denominator_low > 20_000 or numerator_high - numerator_low > 20_000:
            if not ratio.has_count_denominator:  # too wide to search: the value alone, either way it was made
                scale = float(ratio.denominator) / ratio.multiplier
                low, high = math.ceil(ratio.low * scale - 1e-7), math.floor(ratio.high * scale + 1e-7)
                return self._narrow(
                    ratio.numerator, min(low, self._band_low(low)), max(high, self._band_high(high)), reason="its rate"
                )
            return False
        numerators, denominators, exact_fits, rounded_fits = set(), set(), 0, 0
        for denominator in self._denominators(ratio, denominator_low, denominator_high):
            for numerator, how in self._fitting_numerators(ratio, numerator_low, numerator_high, denominator):
                numerators.add(numerator)
                denominators.add(denominator)
                exact_fits += how == "exact"
                rounded_fits += how == "rounded"
        if not numerators:
            self.contradictions.append(
                f"{ratio.numerator} / {ratio.denominator}: no counts within bounds give "
                f"{ratio.figures or (ratio.low, ratio.high)}"
            )
            return False
        ratio.exact_only = rounded_fits == 0
        if ratio.exact_only and ratio.numerator in self.protected_rounded and not self.rule.is_identity:
            self.figures_from_exact = True
        changed = self._narrow(ratio.numerator, min(numerators), max(numerators), reason="its ratio")
        if ratio.has_count_denominator:
            changed |= self._narrow(ratio.denominator, int(min(denominators)), int(max(denominators)), reason="its ratio")
        return changed

    def _denominators(self, ratio: Ratio, low: float, high: float) -> Iterable[float]:
        if not ratio.has_count_denominator:
            return [low]
        return range(int(low), int(high) + 1)

    def _fitting_numerators(self, ratio: Ratio, low: int, high: int, denominator: float) -> Iterable[tuple[int, str]]:
        """Numerators within [low, high] the published figures allow over `denominator`: made from the exact
        counts ('exact'), or from the counts as the rule publishes them ('rounded')."""
        scale = denominator / ratio.multiplier
        for numerator in range(
            max(low, math.ceil(ratio.low * scale - 1e-7)), min(high, math.floor(ratio.high * scale + 1e-7)) + 1
        ):
            if self._figures_fit(ratio, numerator, denominator):
                yield numerator, "exact"
        if self.rule.is_identity or self.figures_from_exact:
            return
        shown_denominator = _rounded(denominator, self.rule) if ratio.has_count_denominator else denominator
        shown_scale = shown_denominator / ratio.multiplier
        for shown in range(max(0, math.ceil(ratio.low * shown_scale - 1e-7)), math.floor(ratio.high * shown_scale + 1e-7) + 1):
            if shown != _rounded(shown, self.rule) or not self._figures_fit(ratio, shown, shown_denominator):
                continue
            band_low, band_high = preimage(shown, self.rule)
            for numerator in range(max(low, band_low), min(high, band_high) + 1):
                yield numerator, "rounded"

    def _figures_fit(self, ratio: Ratio, numerator: float, denominator: float) -> bool:
        """Whether the counts give every published figure (the limits too), as the product works them out."""
        if ratio.formula is None or not ratio.figures:
            return True
        key = (numerator, denominator)
        if key not in ratio.checked:
            try:
                worked = ratio.formula(numerator, denominator)
            except ValueError:
                worked = None
            ratio.checked[key] = worked is not None and all(
                published is None or (value is not None and published_band(published)[0] <= value <= published_band(published)[1])
                for published, value in zip(ratio.figures, worked, strict=False)
            )
        return ratio.checked[key]

    def _band_low(self, count: int) -> int:
        return preimage(_rounded(count, self.rule), self.rule)[0] if count > 0 and not self.rule.is_identity else count

    def _band_high(self, count: int) -> int:
        return preimage(_rounded(count, self.rule), self.rule)[1] if count > 0 and not self.rule.is_identity else count

    def _linear_programme(self, narrowed: set[Hashable]) -> None:
        """Exact bounds of the linear relaxation for each hidden count, over the counts tied to it (only where
        something has narrowed since the last time)."""
        secret = self.secret
        for component in self._components():
            targets = [key for key in component if key in secret and self.bounds[key][0] < self.bounds[key][1]]
            if not targets or narrowed.isdisjoint(component):
                continue
            index = {key: position for position, key in enumerate(component)}
            problem = self._problem(index)
            # every solution is a point the published figures allow: a count seen two apart in two of them
            # cannot be pinned, so it needs no programme of its own; a few programmes pulling every hidden
            # count at once, up, down and every which way, rule most of them out
            seen_low, seen_high = np.full(len(index), np.inf), np.full(len(index), -np.inf)
            positions = [index[key] for key in targets]
            directions = np.random.default_rng(0).choice([-1.0, 1.0], size=(4, len(positions)))
            capped = problem | {"bounds": [(low, BIG if high is None else high) for low, high in problem["bounds"]]}
            for weights in (np.ones(len(positions)), -np.ones(len(positions)), *directions):
                objective = np.zeros(len(index))
                objective[positions] = weights
                result = linprog(objective, **capped)
                if result.status == 2:  # the true counts satisfy every fact, so a fact fed in is wrong
                    self.contradictions.append(f"no counts satisfy the {len(index)} tied to {targets[0]}")
                    break
                if result.status == 0:
                    seen_low, seen_high = np.minimum(seen_low, result.x), np.maximum(seen_high, result.x)
            else:
                self._programme_each(targets, index, problem, seen_low, seen_high)

    def _problem(self, index: dict[Hashable, int]) -> dict:
        """The lines and ratios over the counts of `index` as `linprog` arguments, each count within its bounds."""
        equalities, inequalities = [], []  # each row as {column: coefficient}
        for line in self.lines:
            if line.total not in index:
                continue
            row = {index[line.total]: -1.0}
            for part in line.parts:
                row[index[part]] = row.get(index[part], 0.0) + 1.0
            (equalities if line.complete else inequalities).append(row)
        for ratio in self.ratios:
            if ratio.numerator not in index or not ratio.has_count_numerator or not ratio.has_count_denominator:
                continue
            if not ratio.exact_only and not self.rule.is_identity and not self.figures_from_exact:
                continue  # figures that may be made from the published counts are no linear fact about the true ones
            # multiplier * n <= high * d and low * d <= multiplier * n
            numerator, denominator = index[ratio.numerator], index[ratio.denominator]
            for numerator_weight, denominator_weight in ((ratio.multiplier, -ratio.high), (-ratio.multiplier, ratio.low)):
                row = {numerator: numerator_weight}
                row[denominator] = row.get(denominator, 0.0) + denominator_weight  # a share of itself: one count
                inequalities.append(row)
        bounds = [(self.bounds[key][0], None if self.bounds[key][1] >= BIG else self.bounds[key][1]) for key in index]
        problem = {"bounds": bounds, "method": "highs"}
        if equalities:
            problem |= {"A_eq": _sparse(equalities, len(index)), "b_eq": np.zeros(len(equalities))}
        if inequalities:
            problem |= {"A_ub": _sparse(inequalities, len(index)), "b_ub": np.zeros(len(inequalities))}
        return problem

    def _programme_each(
        self, targets: list[Hashable], index: dict[Hashable, int], problem: dict, seen_low: np.ndarray, seen_high: np.ndarray
    ) -> None:
        """The least and greatest each hidden count can be, unless the points seen already leave it two apart."""
        for key in targets:
            position = index[key]
            if seen_high[position] - seen_low[position] >= 2:
                continue
            objective = np.zeros(len(index))
            objective[position] = 1
            low, high = self.bounds[key]
            for sense in (1, -1):
                result = linprog(sense * objective, **problem)
                if result.status != 0:
                    continue
                seen_low, seen_high = np.minimum(seen_low, result.x), np.maximum(seen_high, result.x)
                if sense == 1:
                    low = math.ceil(result.fun - 1e-6)
                else:
                    high = math.floor(-result.fun + 1e-6)
            self._narrow(key, low, high, reason="the linear programme")

    def _components(self) -> list[list[Hashable]]:
        """Counts grouped by the lines and ratios that tie them together."""
        parent = {key: key for key in self.bounds}

        def root(key):
            while parent[key] != key:
                parent[key] = key = parent[parent[key]]
            return key

        def join(first, second):
            parent[root(first)] = root(second)

        for line in self.lines:
            for part in line.parts:
                join(part, line.total)
        for ratio in self.ratios:
            if ratio.has_count_numerator and ratio.has_count_denominator:
                join(ratio.numerator, ratio.denominator)
        groups: dict[Hashable, list[Hashable]] = {}
        for key in self.bounds:
            groups.setdefault(root(key), []).append(key)
        return list(groups.values())


def _rounded(count: float, rule: DisclosureRule) -> int:
    """A count as the rule would publish it, unsuppressed (the count a protected figure is worked out from)."""
    from metrics.disclosure import shown_count

    return int(shown_count(float(count), rule))


def _sparse(rows: list[dict[int, float]], width: int) -> csr_matrix:
    entries = [(row, column, value) for row, coefficients in enumerate(rows) for column, value in coefficients.items()]
    rows_at, columns_at, values = zip(*entries, strict=True) if entries else ((), (), ())
    return csr_matrix((values, (rows_at, columns_at)), shape=(len(rows), width))
