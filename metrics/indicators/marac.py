"""MARAC: how many high-risk victims reach the conference, who refers them, and who is missing."""

from __future__ import annotations

from metrics.compare import Polarity
from metrics.definitions import SAFELIVES, SAFELIVES_YEAR, Benchmark, Denominator, Grain, Indicator, LocalShare, Method, Topic

MARAC = ("marac_cases",)
MARAC_AND_POPULATION = ("marac_cases", "population")
PERIODS = ("month", "quarter", "year")
RECORDED_ONLY = (
    "Cases where this is not recorded are left out of both counts, so the share can be set beside "
    "a population share; where recording is patchy, set it beside SafeLives' national figure with care."
)


def _representation(
    *,
    group: str,
    id_part: str,
    national: float,
    polarity: Polarity,
    dimensions: tuple[str, ...],
    recorded: str,
    local_share: LocalShare | None,
    notes: str,
) -> Indicator:
    """A representation indicator: the share of MARAC cases with a victim `group` ("who is male")."""
    return Indicator(
        id=f"marac_{id_part}_pct",
        title=f"MARAC cases with a victim {group}",
        description=f"Share of MARAC cases in the period with a victim {group}, set against the national "
        "figure" + (" and the local adult population" if local_share else "") + ".",
        topic=Topic.MARAC,
        unit="% of cases",
        polarity=polarity,
        method=Method.PROPORTION,
        numerator=f"Cases heard in the period with a victim {group}.",
        denominator=f"Cases heard in the period where the victim's {recorded} is recorded.",
        source_extracts=MARAC_AND_POPULATION if local_share else MARAC,
        grain=Grain.MONTHLY,
        dimensions=dimensions,
        benchmarks=(Benchmark("England and Wales", national, SAFELIVES, SAFELIVES_YEAR),),
        notes=f"{notes} {RECORDED_ONLY}",
        query=f"marac_{id_part}",
        local_share=local_share,
    )


INDICATORS = (
    Indicator(
        id="marac_cases_per_10000_women",
        title="MARAC cases per 10,000 women",
        description="Cases heard at MARAC in a year for every 10,000 women aged 16 and over, against SafeLives' "
        "expected volume of 40.",
        topic=Topic.MARAC,
        unit="per 10,000 women aged 16+ a year",
        polarity=Polarity.NO_JUDGEMENT,
        method=Method.RATE,
        numerator="Cases heard at MARAC in the period (victims of any sex).",
        denominator="Women aged 16 and over (latest mid-year estimate) times the years in the period.",
        source_extracts=MARAC_AND_POPULATION,
        grain=Grain.MONTHLY,
        dimensions=("ward", "age_band", "ethnicity", *PERIODS),
        denominator_source=Denominator.WOMEN_16_PLUS,
        multiplier=10000,
        benchmarks=(
            Benchmark(
                "SafeLives expected volume",
                40.0,
                "SafeLives: expected MARAC volume for an area, 40 cases a year per 10,000 women aged 16+. The SafeLives "
                "publication and year that set this figure could not be traced, so it carries no year; the national "
                "figure beside it is from the MARAC national dataset.",
            ),
            Benchmark("England and Wales", 47.0, SAFELIVES, SAFELIVES_YEAR),
        ),
        notes="SafeLives counts cases of every sex against adult women, so this does too; it is not cut by sex. "
        "Below 40 may mean high-risk victims are not being identified; well above it may mean a lower "
        "threshold for referral. The district is compared with the expected 40; the national 47 is for "
        "reference. A case heard twice counts twice.",
        query="marac_cases",
        headline=True,
    ),
    Indicator(
        id="marac_repeat_pct",
        title="MARAC repeat cases",
        description="Share of MARAC cases in the period that are repeats: the same victim heard in the 12 months before.",
        topic=Topic.MARAC,
        unit="% of cases",
        polarity=Polarity.NO_JUDGEMENT,
        method=Method.PROPORTION,
        numerator="Cases heard in the period whose victim had been heard at MARAC within the 365 days before.",
        denominator="Cases heard in the period.",
        source_extracts=MARAC,
        grain=Grain.MONTHLY,
        benchmarks=(Benchmark("England and Wales", 31.0, SAFELIVES, SAFELIVES_YEAR),),
        notes="Repeats are worked out from the hearings held, so a victim first heard before the earliest extract "
        "loaded is not counted as a repeat. A low rate may mean repeat abuse is not being spotted and "
        "re-referred; a high one may mean that MARAC actions are not keeping victims safe.",
        query="marac_repeat",
        look_back_days=365,
    ),
    Indicator(
        id="marac_non_police_referrals_pct",
        title="MARAC referrals from agencies other than the police",
        description="Share of MARAC cases in the period referred by an agency other than the police.",
        topic=Topic.MARAC,
        unit="% of cases",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Cases heard in the period referred by IDVAs, health, social care, housing, probation, education, "
        "voluntary or other agencies.",
        denominator="Cases heard in the period.",
        source_extracts=MARAC,
        grain=Grain.MONTHLY,
        benchmarks=(Benchmark("England and Wales", 36.1, SAFELIVES, SAFELIVES_YEAR),),
        notes="A low share means other agencies are not identifying high-risk victims the police do not see.",
        query="marac_non_police_referrals",
    ),
    _representation(
        group="from an Asian, Black, mixed or other ethnic group",
        id_part="minoritised",
        national=14.1,
        polarity=Polarity.HIGH_IS_GOOD,
        dimensions=("ward", "sex", "age_band", *PERIODS),
        recorded="ethnic group",
        local_share=LocalShare("local_share_minoritised"),
        notes="The local comparator is the share of residents aged 16 and over in those groups, for the same ward "
        "or group; it needs a population split by ethnic group.",
    ),
    _representation(
        group="who is LGBT+",
        id_part="lgbt",
        national=1.6,
        polarity=Polarity.HIGH_IS_GOOD,
        dimensions=("ward", "sex", "age_band", "ethnicity", *PERIODS),
        recorded="sexual orientation and gender identity",
        local_share=None,
        notes="The population estimates carry no sexual orientation, so there is no local population comparator.",
    ),
    _representation(
        group="who is disabled",
        id_part="disabled",
        national=10.1,
        polarity=Polarity.HIGH_IS_GOOD,
        dimensions=("ward", "sex", "age_band", "ethnicity", *PERIODS),
        recorded="disability",
        local_share=None,
        notes="The population estimates carry no disability, so there is no local population comparator.",
    ),
    _representation(
        group="who is male",
        id_part="male",
        national=6.4,
        polarity=Polarity.NO_JUDGEMENT,
        dimensions=("ward", "age_band", "ethnicity", *PERIODS),
        recorded="sex",
        local_share=LocalShare("local_share_male"),
        notes="The local comparator is the share of residents aged 16 and over who are male; men are far less "
        "often high-risk victims than women, so that share is a ceiling, not an expectation.",
    ),
    _representation(
        group="who is aged 16 or 17",
        id_part="aged_16_17",
        national=1.3,
        polarity=Polarity.NO_JUDGEMENT,
        dimensions=("ward", "sex", "ethnicity", *PERIODS),
        recorded="age band",
        local_share=LocalShare("local_share_aged_16_17"),
        notes="The local comparator is the share of residents aged 16 and over who are 16 or 17.",
    ),
)
