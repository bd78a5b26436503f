"""Justice and attrition: where domestic abuse crimes drop out between recording and conviction.

Crimes are placed by the crime's ward and the victim's group, taken from the crime's incident (or,
without one, the same victim's incident nearest in time). Stages are linked by crime id, so a share
"of crimes recorded in the period" follows the same crimes; decisions are dated as the agencies
publish them: charging decisions by the decision date, prosecutions by the court outcome date.
"""

from metrics.compare import Polarity
from metrics.definitions import Benchmark, Grain, Indicator, Method, Topic

CRIMES = ("crime_outcomes", "police_incidents")
ONS_2017 = "ONS, Domestic abuse in England and Wales, year ending March 2017 (police data)"
ONS_2020 = "ONS, Domestic abuse and the criminal justice system, England and Wales, November 2020"
OUTCOMES_2016 = "Home Office crime outcomes for domestic abuse-related crimes, 2016"
OUTCOMES_2020 = "Home Office crime outcomes for domestic abuse-related crimes, year ending March 2020"
CPS_CHARGES = "CPS Violence against Women and Girls reports: suspects charged, published range 72-78%"
CPS_CONVICTIONS = "CPS Violence against Women and Girls reports: prosecutions convicted, published range 76-78%"
CPS_VICTIM_ISSUES = "CPS Violence against Women and Girls report, 2015-16"
PLACED = "Placed by the crime's ward and the victim's group."
STILL_OPEN = (
    "Crimes recorded near the end of the data may not have reached the stage yet, so the figure is "
    "read only for crimes recorded at least the maturity lag (a setting, 6 months by default) before the "
    "end of the complete data; a later period moves back to end there, and says so."
)
DECISION_DATED = (
    "It needs no maturity lag: it counts decisions by the date they were made, not crimes by the date they were "
    "recorded, so once the data cover a month every decision dated in it is known, and the figure for a period "
    "does not change as its crimes age (on the sample, the 12 months to September 2025 read the same from a drop "
    "of 1 October 2025 as from today's). Waiting would only make it six months older."
)

INDICATORS = (
    Indicator(
        id="arrest_rate_per_100_crimes",
        title="Arrests per 100 domestic abuse crimes",
        description="Of domestic abuse crimes recorded in the period, how many led to a suspect's arrest, per 100 crimes.",
        topic=Topic.ATTRITION,
        unit="arrests per 100 crimes",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Crimes recorded in the period with an arrest date (any time up to the latest data).",
        denominator="Domestic abuse crimes recorded in the period.",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        benchmarks=(
            Benchmark("England and Wales", 33.0, ONS_2020, "year ending March 2020"),
            Benchmark("England and Wales", 46.0, ONS_2017, "year ending March 2017"),
        ),
        matures=True,
        notes=f"The extract holds one arrest date per crime, so this counts crimes with an arrest; national "
        f"figures count arrests, which can exceed one per crime. {PLACED} {STILL_OPEN}",
    ),
    Indicator(
        id="cps_referral_pct",
        title="Domestic abuse crimes referred to the CPS",
        description="Share of domestic abuse crimes recorded in the period that police referred to the Crown "
        "Prosecution Service for a charging decision.",
        topic=Topic.ATTRITION,
        unit="% of crimes",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Crimes recorded in the period with a CPS referral date, with or without an arrest.",
        denominator="Domestic abuse crimes recorded in the period.",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        matures=True,
        notes=f"{PLACED} {STILL_OPEN}",
    ),
    Indicator(
        id="charge_rate_pct",
        title="CPS charging decisions that were a charge",
        description="Of charging decisions the CPS made in the period on domestic abuse crimes, the share that "
        "charged the suspect.",
        topic=Topic.ATTRITION,
        unit="% of charging decisions",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Decisions in the period to charge.",
        denominator="Crimes referred to the CPS with a charging decision dated in the period: charged, no further "
        "action or an out-of-court disposal (pending decisions are left out).",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        benchmarks=(
            Benchmark("England and Wales, low end of range", 72.0, CPS_CHARGES, "year ending March 2017"),
            Benchmark("England and Wales, high end of range", 78.0, CPS_CHARGES, "year ending March 2017"),
        ),
        notes="Dated by the charging decision, as the CPS reports it. National figures count suspects; the "
        f"extract has one decision per crime. {PLACED} {DECISION_DATED}",
        headline=True,
    ),
    Indicator(
        id="prosecution_pct",
        title="Domestic abuse crimes leading to a prosecution",
        description="Share of domestic abuse crimes recorded in the period where the CPS charged a suspect, so a "
        "prosecution began.",
        topic=Topic.ATTRITION,
        unit="% of crimes",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Crimes recorded in the period that were referred to the CPS and charged.",
        denominator="Domestic abuse crimes recorded in the period.",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        matures=True,
        notes=f"The whole path from recording to charge in one figure. {PLACED} {STILL_OPEN}",
    ),
    Indicator(
        id="conviction_rate_pct",
        title="Domestic abuse prosecutions ending in a conviction",
        description="Of domestic abuse prosecutions completed in the period, the share that ended in a conviction.",
        topic=Topic.ATTRITION,
        unit="% of completed prosecutions",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Completed prosecutions with the outcome convicted.",
        denominator="Charged crimes whose court outcome, dated in the period, is convicted, acquitted, "
        "discontinued or dismissed (pending cases are left out).",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        benchmarks=(
            Benchmark("England and Wales, low end of range", 76.0, CPS_CONVICTIONS, "year ending March 2017"),
            Benchmark("England and Wales, high end of range", 78.0, CPS_CONVICTIONS, "year ending March 2017"),
        ),
        notes=f"Dated by the court outcome, as the CPS reports completed prosecutions. {PLACED} {DECISION_DATED}",
        headline=True,
    ),
    Indicator(
        id="outcome15_pct",
        title="Crimes closed for evidential difficulties although the victim supported action (outcome 15)",
        description="Share of domestic abuse crimes recorded in the period closed with Home Office outcome 15: "
        "the suspect was identified and the victim supported action, but evidence fell short.",
        topic=Topic.ATTRITION,
        unit="% of crimes",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Crimes recorded in the period with outcome code 15.",
        denominator="Domestic abuse crimes recorded in the period, with or without an outcome yet "
        "(as the Home Office counts them).",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        matures=True,
        notes=f"{PLACED} {STILL_OPEN}",
    ),
    Indicator(
        id="outcome16_pct",
        title="Crimes closed because the victim did not support action (outcome 16)",
        description="Share of domestic abuse crimes recorded in the period closed with Home Office outcome 16: "
        "evidential difficulties where the victim does not support (or withdraws support for) police action.",
        topic=Topic.ATTRITION,
        unit="% of crimes",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Crimes recorded in the period with outcome code 16.",
        denominator="Domestic abuse crimes recorded in the period, with or without an outcome yet "
        "(as the Home Office counts them).",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        benchmarks=(
            Benchmark("England and Wales", 54.8, OUTCOMES_2020, "year ending March 2020"),
            Benchmark("England and Wales", 37.5, OUTCOMES_2016, "2016"),
        ),
        matures=True,
        notes=f"Forces ranged from 36% to 71% in the year ending March 2020. {PLACED} {STILL_OPEN}",
        headline=True,
    ),
    Indicator(
        id="victim_issue_pct",
        title="Unsuccessful prosecutions lost through victim issues",
        description="Of domestic abuse prosecutions that failed in the period, the share where a victim issue lay behind "
        "the loss: the victim retracted, did not attend court, or their evidence did not support the case.",
        topic=Topic.ATTRITION,
        unit="% of unsuccessful prosecutions",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Unsuccessful prosecutions whose victim issue is retraction, non-attendance or does not support.",
        denominator="Charged crimes whose court outcome, dated in the period, is acquitted, discontinued or "
        "dismissed (an unsuccessful prosecution, as the CPS defines it).",
        source_extracts=CRIMES,
        grain=Grain.MONTHLY,
        benchmarks=(Benchmark("England and Wales", 52.5, CPS_VICTIM_ISSUES, "2015-16"),),
        notes="Cases the CPS dropped before charge are not prosecutions and are left out; a loss with no victim "
        f"issue recorded counts as not a victim issue. Well-timed support for the victim lowers it. {PLACED} "
        f"{DECISION_DATED}",
    ),
)
