"""Every branch of the Fingertips benchmark and of the target assessment, for every polarity."""

import math

import pytest

from metrics.compare import (
    Comparison,
    ComparisonInputError,
    Polarity,
    TargetStatus,
    compare_to_comparator,
    compare_to_target,
    describe,
)

LOW, HIGH, NONE = Polarity.LOW_IS_GOOD, Polarity.HIGH_IS_GOOD, Polarity.NO_JUDGEMENT

# The area: 95% CI [10, 20], 99.8% CI [8, 24].
BENCHMARK_CASES = [
    # comparator, polarity, with 99.8% limits?, expected
    (15, LOW, True, Comparison.SIMILAR),
    (15, HIGH, True, Comparison.SIMILAR),
    (15, NONE, True, Comparison.SIMILAR),
    (10, LOW, False, Comparison.SIMILAR),  # on the lower limit counts as inside
    (20, HIGH, False, Comparison.SIMILAR),  # on the upper limit counts as inside
    # comparator below the 95% CI: the area is higher
    (9, LOW, False, Comparison.WORSE),
    (9, HIGH, False, Comparison.BETTER),
    (9, NONE, False, Comparison.HIGHER),
    (9, LOW, True, Comparison.WORSE),
    (9, HIGH, True, Comparison.BETTER),
    (9, NONE, True, Comparison.HIGHER),
    (8, LOW, True, Comparison.WORSE),  # on the 99.8% limit: not beyond it
    (7, LOW, True, Comparison.WORSE_998),
    (7, HIGH, True, Comparison.BETTER_998),
    (7, NONE, True, Comparison.HIGHER_998),
    (7, LOW, False, Comparison.WORSE),  # no 99.8% limits given: 95% grade only
    # comparator above the 95% CI: the area is lower
    (22, LOW, False, Comparison.BETTER),
    (22, HIGH, False, Comparison.WORSE),
    (22, NONE, False, Comparison.LOWER),
    (22, LOW, True, Comparison.BETTER),
    (22, HIGH, True, Comparison.WORSE),
    (22, NONE, True, Comparison.LOWER),
    (24, HIGH, True, Comparison.WORSE),
    (25, LOW, True, Comparison.BETTER_998),
    (25, HIGH, True, Comparison.WORSE_998),
    (25, NONE, True, Comparison.LOWER_998),
]


@pytest.mark.parametrize(("comparator", "polarity", "with_998", "expected"), BENCHMARK_CASES)
def test_benchmark(comparator, polarity, with_998, expected):
    limits_998 = {"lower998": 8, "upper998": 24} if with_998 else {}
    result = compare_to_comparator(lower95=10, upper95=20, comparator=comparator, polarity=polarity, **limits_998)
    assert result is expected


@pytest.mark.parametrize(
    ("lower95", "upper95", "comparator"),
    [(None, 20, 15), (10, None, 15), (10, 20, None), (math.nan, 20, 15), (10, 20, math.nan)],
)
@pytest.mark.parametrize("polarity", list(Polarity))
def test_no_interval_or_comparator_means_not_compared(lower95, upper95, comparator, polarity):
    result = compare_to_comparator(lower95=lower95, upper95=upper95, comparator=comparator, polarity=polarity)
    assert result is Comparison.NOT_COMPARED


def test_polarity_may_be_given_as_its_stored_text():
    assert compare_to_comparator(lower95=10, upper95=20, comparator=5, polarity="low_is_good") is Comparison.WORSE


@pytest.mark.parametrize(
    "limits",
    [
        {"lower95": 20, "upper95": 10},
        {"lower95": 10, "upper95": 20, "lower998": 8},
        {"lower95": 10, "upper95": 20, "lower998": 12, "upper998": 24},
    ],
)
def test_inconsistent_limits_raise(limits):
    with pytest.raises(ComparisonInputError):
        compare_to_comparator(comparator=5, polarity=LOW, **limits)


@pytest.mark.parametrize(
    ("comparison", "words"),
    [
        (Comparison.BETTER, "significantly better than the district (95%)"),
        (Comparison.BETTER_998, "significantly better than the district (99.8%)"),
        (Comparison.WORSE, "significantly worse than the district (95%)"),
        (Comparison.WORSE_998, "significantly worse than the district (99.8%)"),
        (Comparison.HIGHER, "significantly higher than the district (95%)"),
        (Comparison.HIGHER_998, "significantly higher than the district (99.8%)"),
        (Comparison.LOWER, "significantly lower than the district (95%)"),
        (Comparison.LOWER_998, "significantly lower than the district (99.8%)"),
        (Comparison.SIMILAR, "similar to the district"),
        (Comparison.NOT_COMPARED, "not compared with the district (no confidence interval)"),
    ],
)
def test_describe_in_plain_words(comparison, words):
    assert describe(comparison, "district") == words


def test_every_comparison_has_words():
    assert len({describe(comparison, "England") for comparison in Comparison}) == len(Comparison)


# The result: 95% CI [10, 20].
TARGET_CASES = [
    (HIGH, 8, TargetStatus.MET),
    (HIGH, 10, TargetStatus.MET),  # reaching the target exactly is reaching it
    (HIGH, 15, TargetStatus.WITHIN_UNCERTAINTY),
    (HIGH, 20, TargetStatus.WITHIN_UNCERTAINTY),
    (HIGH, 25, TargetStatus.NOT_MET),
    (LOW, 25, TargetStatus.MET),
    (LOW, 20, TargetStatus.MET),
    (LOW, 15, TargetStatus.WITHIN_UNCERTAINTY),
    (LOW, 10, TargetStatus.WITHIN_UNCERTAINTY),
    (LOW, 5, TargetStatus.NOT_MET),
]


@pytest.mark.parametrize(("polarity", "target", "expected"), TARGET_CASES)
def test_target(polarity, target, expected):
    assert compare_to_target(lower95=10, upper95=20, target=target, polarity=polarity) is expected


def test_target_status_reads_as_plain_words():
    assert [status.value for status in TargetStatus] == ["met", "not met", "within uncertainty", "not assessed"]


@pytest.mark.parametrize("polarity", [LOW, HIGH])
def test_target_without_an_interval_is_not_assessed(polarity):
    assert compare_to_target(lower95=None, upper95=20, target=15, polarity=polarity) is TargetStatus.NOT_ASSESSED


def test_target_needs_a_direction():
    with pytest.raises(ComparisonInputError):
        compare_to_target(lower95=10, upper95=20, target=15, polarity=NONE)


def test_target_rejects_reversed_limits():
    with pytest.raises(ComparisonInputError):
        compare_to_target(lower95=20, upper95=10, target=15, polarity=HIGH)
