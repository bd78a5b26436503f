"""Victim journeys across agencies: who gets help, how fast, and what timing does to attrition.

Every function takes a read-only connection and a disclosure rule and returns a polars frame of
aggregates already through `metrics.disclosure`; the person-journey rows stay in the warehouse marts
(`mart_journey_people`, `mart_journey_charge_decisions`).
"""

from metrics.journeys.common import COHORTS, CUTS, Cohort, UnknownCohort, UnknownCut, cohort_of
from metrics.journeys.missed import concentration_sentences, missed_opportunities
from metrics.journeys.steps import STEP_LABELS, journey_steps
from metrics.journeys.survival import MEASURES as SURVIVAL_MEASURES
from metrics.journeys.survival import survival_comparison, survival_curves
from metrics.journeys.timing import ASSOCIATION_NOTE, describe_timing, timing_and_attrition

__all__ = [
    "ASSOCIATION_NOTE",
    "COHORTS",
    "CUTS",
    "STEP_LABELS",
    "SURVIVAL_MEASURES",
    "Cohort",
    "UnknownCohort",
    "UnknownCut",
    "cohort_of",
    "concentration_sentences",
    "describe_timing",
    "journey_steps",
    "missed_opportunities",
    "survival_comparison",
    "survival_curves",
    "timing_and_attrition",
]
