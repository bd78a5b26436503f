"""Disclosure control: the rule on single counts, frames and tables, and attackers who must fail."""

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.disclosure import (
    Audience,
    DisclosureError,
    DisclosureRule,
    ProtectedCount,
    protect_count,
    protect_frame,
    protect_ratio,
    protect_table,
    rule_for,
)
from oversight.settings import Settings
from tests.disclosure_attack import (
    BIG,
    Attacker,
    interval_attack,
    line_indices,
    preimage,
)
from tests.examples import examples

DEFAULT = DisclosureRule(threshold=7, rounding_base=5)


def test_rule_comes_from_settings():
    assert DisclosureRule.from_settings(Settings()) == DEFAULT
    custom = Settings(disclosure_threshold=10, disclosure_rounding_base=10)
    assert DisclosureRule.from_settings(custom) == DisclosureRule(threshold=10, rounding_base=10)


@pytest.mark.parametrize(
    ("count", "display", "value", "is_suppressed", "is_rounded"),
    [
        (0, "0", 0, False, False),
        (1, "*", None, True, False),
        (7, "*", None, True, False),
        (8, "10", 10, False, True),
        (12, "10", 10, False, True),
        (13, "15", 15, False, True),  # 12.5 is the half-way point: 13 rounds up
        (17, "15", 15, False, True),
        (18, "20", 20, False, True),
        (1044, "1,045", 1045, False, True),
    ],
)
def test_protect_count_under_the_default_rule(count, display, value, is_suppressed, is_rounded):
    protected = protect_count(count, DEFAULT)
    assert (protected.display, protected.value) == (display, value)
    assert (protected.is_suppressed, protected.is_rounded) == (is_suppressed, is_rounded)


@pytest.mark.parametrize(("count", "value"), [(14, 10), (15, 20), (25, 30)])
def test_halves_round_up(count, value):
    assert protect_count(count, DisclosureRule(threshold=7, rounding_base=10)).value == value


@pytest.mark.parametrize(("count", "value"), [(13, 20), (14, 20), (15, 20), (24, 20), (25, 30)])
def test_rounding_never_lands_at_or_below_the_threshold(count, value):
    # threshold 12, base 10: 13 and 14 would round to 10, itself a suppressible number
    assert protect_count(count, DisclosureRule(threshold=12, rounding_base=10)).value == value


def test_identity_rule_changes_nothing():
    rule = DisclosureRule.unsuppressed()
    assert rule.is_identity
    assert protect_count(3, rule) == ProtectedCount(display="3", value=3, is_suppressed=False, is_rounded=False)


@pytest.mark.parametrize("bad", [-1, 2.5])
def test_impossible_counts_raise(bad):
    with pytest.raises(DisclosureError):
        protect_count(bad, DEFAULT)


@pytest.mark.parametrize(("threshold", "base"), [(-1, 5), (7, 0)])
def test_impossible_rules_raise(threshold, base):
    with pytest.raises(DisclosureError):
        DisclosureRule(threshold=threshold, rounding_base=base)


@pytest.mark.parametrize(
    ("numerator", "denominator", "is_suppressed"),
    [(3, 100, True), (0, 5, True), (0, 100, False), (40, 100, False), (8, 9, False)],
)
def test_a_ratio_is_hidden_when_either_count_is(numerator, denominator, is_suppressed):
    protected = protect_ratio(0.5, numerator=numerator, denominator=denominator, rule=DEFAULT)
    assert protected.is_suppressed is is_suppressed
    assert protected.value == (None if is_suppressed else 0.5)


@pytest.mark.parametrize(
    ("audience", "analyst_unsuppressed", "is_identity"),
    [
        (Audience.BOARD, False, False),
        (Audience.BOARD, True, False),
        (Audience.COMMISSIONER, True, False),
        (Audience.ANALYST, False, False),
        (Audience.ANALYST, True, True),
    ],
)
def test_only_an_allowed_analyst_sees_unsuppressed_values(audience, analyst_unsuppressed, is_identity):
    rule = rule_for(audience, Settings(analyst_unsuppressed=analyst_unsuppressed))
    assert rule.is_identity is is_identity
    assert rule.describe().startswith("Counts are shown unrounded" if is_identity else "Counts from 1 to 7")


def ward_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2023"] * 4 + ["2024"] * 4,
            "level": ["district", "ward", "ward", "ward"] * 2,
            "n_incidents": [25, 3, 12, 10, 60, 20, 22, 18],
            "population": [30_000, 7_000, 8_000, 15_000] * 2,
            "per_1000": [0.83, 0.43, 1.5, 0.67, 2.0, 2.86, 2.75, 1.2],
            "per_1000_lower": [0.5, 0.1, 0.8, 0.3, 1.5, 1.7, 1.7, 0.7],
        }
    )


def test_protect_frame_rounds_suppresses_and_follows_ratios():
    frame = ward_frame()
    protected = protect_frame(
        frame,
        count_columns=["n_incidents"],
        ratio_columns={"per_1000": ("n_incidents", "population")},
        interval_columns={"per_1000": ["per_1000_lower"]},
        rule=DEFAULT,
        level_column="level",
        group_columns=["period"],
    )
    # 2023: 3 is hidden, and 10 (the smallest other ward) too, or 25 - 10 - 12 would give it away
    assert protected["n_incidents"].to_list() == [25, None, 10, None, 60, 20, 20, 20]
    assert protected["n_incidents_suppressed"].to_list() == [False, True, False, True] + [False] * 4
    assert protected["per_1000"].to_list() == [0.83, None, 1.5, None, 2.0, 2.86, 2.75, 1.2]
    assert protected["per_1000_lower"].null_count() == 2
    assert protected["per_1000_suppressed"].to_list() == protected["n_incidents_suppressed"].to_list()
    assert frame.equals(ward_frame()), "the input frame is left untouched"


def test_protect_frame_hides_ratios_with_small_denominators_and_keeps_missing_values_missing():
    frame = pl.DataFrame({"n_repeat": [0, 2, None, 30], "n_referrals": [5, 40, 10, 50], "repeat_pct": [0.0, 5.0, None, 60.0]})
    ratios = {"repeat_pct": ("n_repeat", "n_referrals")}
    protected = protect_frame(frame, count_columns=["n_repeat"], ratio_columns=ratios, rule=DEFAULT)
    assert protected["n_repeat"].to_list() == [0, None, None, 30]
    assert protected["n_repeat_suppressed"].to_list() == [False, True, False, False]
    assert protected["repeat_pct"].to_list() == [None, None, None, 60.0]


def test_protect_frame_accepts_an_empty_frame():
    empty = pl.DataFrame(schema={"n": pl.Int64})
    assert protect_frame(empty, count_columns=["n"], ratio_columns={}, rule=DEFAULT).columns == ["n", "n_suppressed"]


def test_protect_frame_names_missing_columns():
    with pytest.raises(DisclosureError, match="nope"):
        protect_frame(ward_frame(), count_columns=["nope"], ratio_columns={}, rule=DEFAULT)


def test_protect_table_hides_a_partner_in_each_line():
    table = protect_table([[3, 10, 20], [12, 0, 40], [9, 30, 2]], rule=DEFAULT, round_totals=False)
    hidden = table.hidden
    lines = [*hidden, *hidden.T]
    assert all(line.sum() != 1 for line in lines)
    assert table.cells[1][1].display == "0"
    assert table.grand_total.value == 126 and not table.grand_total.is_rounded
    assert table.cells[1][0].is_rounded


def test_protect_table_hides_the_smallest_partners():
    # 3 is small; its row partner is 12 and its column partner 15; 15's row then needs 30: a closed cycle
    table = protect_table([[3, 12, 40], [15, 30, 50]], rule=DEFAULT)
    hidden_cells = {(i, j) for i, j in zip(*np.nonzero(table.hidden), strict=True)}
    assert hidden_cells == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert [total.display for total in table.row_totals] == ["55", "95"]


def test_protect_table_hides_a_small_total():
    table = protect_table([[2, 0], [0, 0]], rule=DEFAULT)
    assert table.grand_total.is_suppressed
    assert table.row_totals[1].value == 0


# --- attackers ---------------------------------------------------------------------------------

RULES = [
    DEFAULT,
    DisclosureRule(threshold=7, rounding_base=1),  # every published value exact: the strictest case
    DisclosureRule(threshold=3, rounding_base=1),
    DisclosureRule(threshold=10, rounding_base=10),
    DisclosureRule(threshold=12, rounding_base=10),  # rounding would land at or below the threshold
]
counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(0, 40))
tables = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda shape: st.lists(st.lists(counts, min_size=shape[1], max_size=shape[1]), min_size=shape[0], max_size=shape[0])
)  # many small counts and zeros, so most tables need secondary suppression


def augmented(cells) -> np.ndarray:
    interior = np.array(cells, dtype=np.int64)
    row_totals, column_totals = interior.sum(1, keepdims=True), interior.sum(0, keepdims=True)
    return np.block([[interior, row_totals], [column_totals, interior.sum(keepdims=True)]])


@pytest.mark.parametrize("rule", RULES)
def test_the_attackers_band_is_every_count_that_publishes_as_the_value(rule):
    sources: dict[int | None, list[int]] = {}
    for count in range(300):
        sources.setdefault(protect_count(count, rule).value, []).append(count)
    for value, counts in sources.items():
        if value is not None and max(counts) < 290:  # bands cut off by the end of the range are not whole
            assert preimage(value, rule) == (min(counts), max(counts))


def solvable_by_linear_algebra(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden entries fixed by the line equations alone, as if every published value were exact.

    This includes the iterated attack on a line with a single unknown, and any longer chain of them.
    """
    unknowns = list(zip(*np.nonzero(hidden), strict=True))
    if not unknowns:
        return []
    lines = line_indices(hidden.shape)
    equations = np.array([[(-1 if e == line[-1] else 1) if e in line else 0 for e in unknowns] for line in lines])
    rank = np.linalg.matrix_rank(equations)
    # an unknown is fixed exactly when its unit vector is a combination of the equations
    alone = np.eye(len(unknowns))
    return [e for k, e in enumerate(unknowns) if np.linalg.matrix_rank(np.vstack([equations, alone[k]])) == rank]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, rule=st.sampled_from(RULES), round_totals=st.booleans())
def test_no_attacker_recovers_a_hidden_count(cells, rule, round_totals):
    truth = augmented(cells)
    table = protect_table(truth[:-1, :-1], rule=rule, round_totals=round_totals)
    published, hidden = table.published(), table.hidden

    shown = published[~np.isnan(published)]
    assert not np.any((shown >= 1) & (shown <= rule.threshold)), "a published count is in 1..threshold"
    assert np.all(hidden[(truth >= 1) & (truth <= rule.threshold)]), "a small count is shown"
    assert all(line.sum() != 1 for line in [*hidden, *hidden.T]), "a line has a single hidden entry"

    recovered = [entry for entry in solvable_by_linear_algebra(hidden) if truth[entry] > 0]
    assert not recovered, f"exact subtraction recovers {recovered}"
    low, high = interval_attack(published, rule, exact_totals=not round_totals)
    assert np.all((low <= truth) & (truth <= high)), "the attacker's reasoning must hold for the truth"
    hidden_entries = list(zip(*np.nonzero(hidden), strict=True))
    pinned = [(entry, int(truth[entry])) for entry in hidden_entries if low[entry] == high[entry] and truth[entry] > 0]
    assert not pinned, f"bounds pin hidden counts {pinned}"


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables.filter(lambda rows: len(rows) > 1), rule=st.sampled_from(RULES), data=st.data())
def test_counts_hidden_elsewhere_stay_hidden_and_totals_always_shown_give_nothing_away(cells, rule, data):
    # a district's totals are published whatever they hold, and a count hidden in another table stays hidden here
    truth = augmented(cells)
    shown = np.zeros(truth.shape, dtype=bool)
    shown[-1, :] = True
    flags = data.draw(st.lists(st.booleans(), min_size=truth.size, max_size=truth.size))
    already = np.array(flags).reshape(truth.shape) & ~shown
    table = protect_table(truth[:-1, :-1], rule=rule, round_totals=False, already_hidden=already, always_shown=shown)

    assert table.hidden[already].all() and not table.hidden[shown].any()
    recovered = [entry for entry in solvable_by_linear_algebra(table.hidden) if truth[entry] > 0]
    assert not recovered, f"exact subtraction recovers {recovered}"


def test_protect_table_refuses_masks_of_another_shape():
    with pytest.raises(DisclosureError, match="already_hidden"):
        protect_table([[3, 10]], rule=DEFAULT, already_hidden=np.zeros((1, 2), dtype=bool))


@settings(max_examples=examples(150), deadline=None)
@given(ward_counts=st.lists(counts, min_size=2, max_size=6), rule=st.sampled_from(RULES))
def test_no_ward_count_is_recovered_from_the_published_district_total(ward_counts, rule):
    levels = ["district"] + ["ward"] * len(ward_counts)
    frame = pl.DataFrame({"level": levels, "n": [sum(ward_counts), *ward_counts]})
    protected = protect_frame(frame, count_columns=["n"], ratio_columns={}, rule=rule, level_column="level")
    district, *wards = protected["n"].to_list()
    assert district == sum(ward_counts), "the district row is published as it is"
    assert not any(value is not None and 1 <= value <= rule.threshold for value in wards)

    # The attacker knows the exact district total and each shown ward to within its rounding band.
    bands = [(0, BIG) if value is None else preimage(value, rule) for value in wards]
    for index, count in enumerate(ward_counts):
        if wards[index] is not None or count == 0:
            continue
        others = [band for k, band in enumerate(bands) if k != index]
        low = max(0, district - sum(high for _, high in others))
        high = district - sum(low for low, _ in others)
        assert low <= count <= high
        assert low < high, f"ward count {count} recovered from the district total"


def canal_wharf_by_sex(attacker: Attacker, *, with_rates: bool) -> None:
    """Canal Wharf's incidents by sex as a page shows them: the ward's total and women and men rounded, each with
    its rate per 1,000 residents; those of unknown sex hidden."""
    for key, count, residents in (("ward", 779, 24394.291581), ("women", 595, 12268.596851), ("men", 182, 12125.69473)):
        attacker.sees(key, protect_count(count, DEFAULT).value)
        if with_rates:
            attacker.sees_ratio(1000 * count / residents, key, residents, multiplier=1000)
    attacker.sees_hidden("unknown")
    attacker.adds_up("ward", ["women", "men", "unknown"])


def test_the_attacker_works_a_count_out_from_rates_beside_rounded_counts():
    rounded_only = Attacker(DEFAULT)
    canal_wharf_by_sex(rounded_only, with_rates=False)
    rounded_only.solve()
    assert not rounded_only.recovered()  # 780, 595 and 180 rounded leave the unknown anywhere from 0 to 11

    with_rates = Attacker(DEFAULT)
    canal_wharf_by_sex(with_rates, with_rates=True)
    with_rates.solve()
    # rates from the exact counts give the hidden count, and undo the rounding of every count beside them
    assert sorted(with_rates.recovered()) == [("men", 182), ("unknown", 2), ("ward", 779), ("women", 595)]
    assert not with_rates.unsound({"ward": 779, "women": 595, "men": 182, "unknown": 2})


def test_the_attackers_linear_programme_sees_what_one_line_at_a_time_cannot():
    # two hidden counts in a row and in a column of exact totals: each line alone has two unknowns
    attacker = Attacker(DisclosureRule(threshold=0, rounding_base=1))
    cells = {("a", 1): 4, ("a", 2): 6, ("b", 1): 5, ("b", 2): 3}
    for row in "ab":
        attacker.sees(("row", row), sum(value for (r, _), value in cells.items() if r == row), exact=True)
        attacker.adds_up(("row", row), [key for key in cells if key[0] == row])
    for column in (1, 2):
        attacker.sees(("column", column), sum(value for (_, c), value in cells.items() if c == column), exact=True)
        attacker.adds_up(("column", column), [key for key in cells if key[1] == column])
    attacker.sees(("a", 1), 4, exact=True)
    for key in (("a", 2), ("b", 1), ("b", 2)):
        attacker.sees_hidden(key)
    attacker.solve()
    assert sorted(attacker.recovered()) == [(("a", 2), 6), (("b", 1), 5), (("b", 2), 3)]
