"""What an indicator declaration holds. The declarations themselves live in metrics/indicators/."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from metrics.compare import Polarity


class Method(StrEnum):
    RATE = "rate"  # events per `multiplier` people a year: exact limits below 10 events, Byar's from 10
    PROPORTION = "proportion"  # share of a denominator: Wilson score limits
    RATIO = "ratio"  # observed / expected: Byar's (or exact) limits on the observed count
    COUNT = "count"  # a count, with no interval


class Denominator(StrEnum):
    """Where a rate's denominator comes from: residents in the latest mid-year population."""

    RESIDENTS = "residents"
    RESIDENTS_16_PLUS = "residents_16_plus"
    CHILDREN = "children"
    WOMEN_16_PLUS = "women_16_plus"
    EVENTS = "events"  # counted by the indicator's own query


class Grain(StrEnum):
    """How the refresh can sum an indicator's events ahead (pipeline/precompute.py), declared with it.

    MONTHLY: its events are the same whatever the period, only filtered to it (the query reads `$start` and
    `$end` once, as `between $start and $end`, and neither groups nor reads the period's length), so any
    whole-month period is the sum of its months.
    WINDOW: it counts people once per period, or reads the period's length, so each period is summed whole.
    """

    MONTHLY = "monthly"
    WINDOW = "window"


class Topic(StrEnum):
    PREVALENCE = "Prevalence and pattern"
    HIDDEN_NEED = "Hidden need"
    MARAC = "MARAC"
    SERVICES = "Services and coverage"
    ATTRITION = "Justice and attrition"
    FRONT_DOOR = "Front door and safeguarding"
    PERPETRATORS = "Perpetrator interventions"


PERSON_DIMENSIONS = ("ward", "sex", "age_band", "ethnicity")
PERIOD_DIMENSIONS = ("month", "quarter", "year")
ALL_DIMENSIONS = PERSON_DIMENSIONS + PERIOD_DIMENSIONS


@dataclass(frozen=True)
class Benchmark:
    name: str  # e.g. "England and Wales"
    value: float
    source: str
    year: str | None = None  # the period the figure describes, e.g. "year ending March 2020"; None when not known

    @property
    def label(self) -> str:
        """The benchmark with its date, as every page and export shows it."""
        return f"{self.name} ({self.year or 'date not recorded'})"


@dataclass(frozen=True)
class LocalShare:
    """A second comparator: the share of local residents in the indicator's group, for the same cut.

    `query` names a file in metrics/sql/ shaped like an indicator query, whose numerator is the
    residents in the group and whose denominator is the residents they are a share of.
    """

    query: str
    name: str = "local population aged 16+"
    grain: Grain = Grain.WINDOW  # residents over the period's years: each period is summed whole


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    description: str
    topic: Topic
    unit: str
    polarity: Polarity
    method: Method
    numerator: str
    denominator: str
    source_extracts: tuple[str, ...]
    grain: Grain  # how the refresh sums its query ahead (see Grain)
    dimensions: tuple[str, ...] = ALL_DIMENSIONS
    denominator_source: Denominator = Denominator.EVENTS
    multiplier: float = 100.0
    benchmarks: tuple[Benchmark, ...] = ()
    notes: str = ""
    version: str = "1.0"
    headline: bool = False
    query: str | None = None  # shared SQL file name; defaults to the indicator id
    query_parameters: dict[str, str] = field(default_factory=dict)
    local_share: LocalShare | None = None  # compared beside the first benchmark or the district
    # Outcome-type: counts crimes recorded in the period by what has happened to them since, so a recent
    # period is read only once its crimes have had the maturity lag to reach an outcome (metrics/maturity.py).
    matures: bool = False
    # Look-back measure: an event counts by what happened in the days before it (12 months: 365), so a period
    # starting less than this after the data begin is undercounted; it is marked and left out of trends.
    look_back_days: int = 0

    @property
    def sql_name(self) -> str:
        return self.query or self.id

    @property
    def ci_method(self) -> str:
        return {
            Method.RATE: "exact Poisson (chi-square) below 10 events, Byar's from 10",
            Method.PROPORTION: "Wilson score",
            Method.RATIO: "exact Poisson below 10 observed, Byar's from 10, on the observed count",
            Method.COUNT: "none (a count)",
        }[self.method]


CSEW = "Crime Survey for England and Wales"
SAFELIVES = "SafeLives MARAC national dataset, 12 months to September 2024"
SAFELIVES_YEAR = "12 months to September 2024"
