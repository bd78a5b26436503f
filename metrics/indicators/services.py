"""Services, coverage and perpetrator interventions: who specialist services reach, and how support ends.

Table-shaped views of the same data are in metrics/coverage.py (wards x client groups),
metrics/service_referrals.py (per service) and metrics/idva_capacity.py.
"""

from metrics.compare import Polarity
from metrics.definitions import Benchmark, Denominator, Grain, Indicator, Method, Topic

REFERRALS = ("service_referrals",)
PERSON_AND_PERIOD = ("ward", "sex", "age_band", "ethnicity", "month", "quarter", "year")
PLACED_ONCE = (
    "Each person counts once in the period, in the ward and group of their latest start in it, "
    "so cut by month a person who started twice counts in the later month only."
)
OUTCOME_NOTES = (
    "Referrals received in the period; support still going on when the extract was taken is left out "
    "until it ends, so the latest months hold fewer ended cases."
)

INDICATORS = (
    Indicator(
        id="people_reached_per_1000",
        title="Victims supported by specialist services per 1,000 residents aged 16+",
        description="Victims aged 16 or over whose support from a specialist domestic abuse service started, "
        "per 1,000 residents aged 16 and over a year.",
        topic=Topic.SERVICES,
        unit="per 1,000 residents aged 16+ a year",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.RATE,
        numerator="Distinct victims aged 16+ (or of unknown age) whose support started in the period.",
        denominator="Residents aged 16 and over times the years in the period.",
        source_extracts=REFERRALS,
        grain=Grain.WINDOW,
        denominator_source=Denominator.RESIDENTS_16_PLUS,
        multiplier=1000,
        notes=PLACED_ONCE + " Fewer than half of survivors get the community support they want "
        "(Domestic Abuse Commissioner, A Patchwork of Provision, 2022).",
        query="people_starting_support",
        query_parameters={"person_role": "victim"},
        headline=True,
    ),
    Indicator(
        id="children_reached_per_1000_children",
        title="Children supported by specialist services per 1,000 children",
        description="Children whose support from a specialist service started, per 1,000 resident children aged 0-17 a year.",
        topic=Topic.SERVICES,
        unit="per 1,000 children a year",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.RATE,
        numerator="Distinct children (referred as a child) whose support started in the period.",
        denominator="Residents aged 0-17 times the years in the period.",
        source_extracts=REFERRALS,
        grain=Grain.WINDOW,
        denominator_source=Denominator.CHILDREN,
        multiplier=1000,
        notes=PLACED_ONCE + " Only 29% of survivors who wanted support for their children got it "
        "(A Patchwork of Provision, 2022).",
        query="people_starting_support",
        query_parameters={"person_role": "child"},
    ),
    Indicator(
        id="perpetrators_reached_per_1000",
        title="Perpetrators in an intervention per 1,000 residents aged 16+",
        description="Perpetrators whose intervention (a behaviour change programme, say) started, "
        "per 1,000 residents aged 16 and over a year.",
        topic=Topic.PERPETRATORS,
        unit="per 1,000 residents aged 16+ a year",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.RATE,
        numerator="Distinct perpetrators whose intervention started in the period.",
        denominator="Residents aged 16 and over times the years in the period.",
        source_extracts=REFERRALS,
        grain=Grain.WINDOW,
        denominator_source=Denominator.RESIDENTS_16_PLUS,
        multiplier=1000,
        notes=PLACED_ONCE + " Only 7% of survivors who wanted a behaviour change programme for their abuser "
        "saw one (A Patchwork of Provision, 2022).",
        query="people_starting_support",
        query_parameters={"person_role": "perpetrator"},
    ),
    Indicator(
        id="reach_vs_need_pct",
        title="Victims supported as a share of the victims the crime survey predicts",
        description="Victims whose specialist support started, against the victims expected from survey "
        "prevalence among residents aged 16 and over.",
        topic=Topic.SERVICES,
        unit="% of estimated victims",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.RATIO,
        numerator="Distinct victims aged 16+ (or of unknown age) whose support started in the period.",
        denominator="Residents aged 16+ times the crime survey's last-year rate for their sex and age band "
        "(the sex-level rate where no band rate is held), times the years in the period.",
        source_extracts=REFERRALS,
        grain=Grain.WINDOW,
        dimensions=("ward", "sex", "age_band", "ethnicity"),
        notes="Survey rates come from the prevalence_rates reference data (Crime Survey for England and Wales). "
        "Cut by ethnic group only when the population is split by ethnic group. Victims of other or unknown "
        "sex have no expected count and show no value.",
        query="reach_vs_need",
    ),
    Indicator(
        id="service_completion_pct",
        title="Support completed",
        description="Of referrals whose support started and has ended, the share that ended with the support completed.",
        topic=Topic.SERVICES,
        unit="% of support ended",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Referrals received in the period whose support started and ended as completed.",
        denominator="Referrals received in the period whose support started and has ended (any reason).",
        source_extracts=REFERRALS,
        grain=Grain.MONTHLY,
        dimensions=PERSON_AND_PERIOD,
        notes=OUTCOME_NOTES,
        query="service_completion",
    ),
    Indicator(
        id="service_dropout_pct",
        title="Support ended by disengagement",
        description="Of referrals whose support started and has ended, the share that ended because the person disengaged.",
        topic=Topic.SERVICES,
        unit="% of support ended",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Referrals received in the period whose support started and ended as disengaged.",
        denominator="Referrals received in the period whose support started and has ended (any reason).",
        source_extracts=REFERRALS,
        grain=Grain.MONTHLY,
        dimensions=PERSON_AND_PERIOD,
        notes=OUTCOME_NOTES,
        query="service_dropout",
    ),
    Indicator(
        id="perpetrator_programme_uptake_pct",
        title="Perpetrators offered a programme who started it",
        description="Of perpetrators referred to a behaviour change programme, the share who started it.",
        topic=Topic.PERPETRATORS,
        unit="% of referrals",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Perpetrator referrals to a perpetrator programme received in the period that started.",
        denominator="Perpetrator referrals to a perpetrator programme received in the period.",
        source_extracts=REFERRALS,
        grain=Grain.MONTHLY,
        dimensions=PERSON_AND_PERIOD,
        query="perpetrator_programme_uptake",
    ),
    Indicator(
        id="perpetrator_programme_completion_pct",
        title="Perpetrator programmes completed",
        description="Of perpetrators who started a behaviour change programme and have left it, the share who completed it.",
        topic=Topic.PERPETRATORS,
        unit="% of programmes ended",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Perpetrator referrals received in the period whose programme started and ended as completed.",
        denominator="Perpetrator referrals received in the period whose programme started and has ended (any reason).",
        source_extracts=REFERRALS,
        grain=Grain.MONTHLY,
        dimensions=PERSON_AND_PERIOD,
        notes=OUTCOME_NOTES,
        query="perpetrator_programme_completion",
    ),
    Indicator(
        id="idva_caseload_per_fte",
        title="New IDVA cases a year per full-time adviser",
        description="Victims whose support from an IDVA service started, per full-time-equivalent IDVA a year.",
        topic=Topic.SERVICES,
        unit="cases per IDVA FTE a year",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.RATE,
        numerator="Victims whose IDVA support started in the period.",
        denominator="IDVA full-time equivalents in the service register times the years in the period.",
        source_extracts=("service_referrals", "services"),
        grain=Grain.WINDOW,
        dimensions=(),
        multiplier=1,
        benchmarks=(
            Benchmark(
                "SafeLives capacity guide",
                100.0,
                "SafeLives: one full-time IDVA per about 100 MARAC referrals a year (safe caseload 60-80 at a time). The "
                "SafeLives publication and year that set this figure could not be traced, so it carries no year; a SafeLives "
                "policy blog gives a lower safe caseload, 60-70 victims per IDVA a year.",
            ),
        ),
        notes="A district figure: the register does not place IDVA time in wards. The register's current FTE is used "
        "for every period, so past years read against today's staffing.",
        query="idva_caseload",
    ),
)
