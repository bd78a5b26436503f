"""Front door and safeguarding: whether children and high-risk victims get the response in time."""

from metrics.compare import Polarity
from metrics.definitions import Grain, Indicator, Method, Topic
from oversight.settings import get_settings

POLICE = ("police_incidents",)

# The MARAC escalation trigger, a local setting read when the registry is built.
_SETTINGS = get_settings()
WINDOW = "12 months" if _SETTINGS.marac_trigger_window_days == 365 else f"{_SETTINGS.marac_trigger_window_days} days"
TRIGGER_SHORT = f"{_SETTINGS.marac_trigger_incidents} or more within {WINDOW}"
TRIGGER = f"{_SETTINGS.marac_trigger_incidents} or more incidents in {WINDOW}"
TRIGGER_ORDINAL = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(
    _SETTINGS.marac_trigger_incidents, f"{_SETTINGS.marac_trigger_incidents}th"
)
LOOK_BACK = _SETTINGS.marac_trigger_window_days  # a trigger needs its whole window inside the data
TRIGGER_PARAMETERS = {
    "trigger_incidents": str(_SETTINGS.marac_trigger_incidents),
    "trigger_window_days": str(_SETTINGS.marac_trigger_window_days),
}
WARD_AND_PERIOD = ("ward", "month", "quarter", "year")
PERSON = ("ward", "sex", "age_band", "ethnicity")

INDICATORS = (
    Indicator(
        id="school_notified_next_day_pct",
        title="Schools told before the next school day (Operation Encompass)",
        description="Of notifications to schools about incidents in the period, the share that reached the school "
        "before the next school day began.",
        topic=Topic.FRONT_DOOR,
        unit="% of notifications",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Notifications made by 9am on the next weekday after the day the incident was reported "
        "(a Friday, Saturday or Sunday incident: by 9am on Monday).",
        denominator="Notifications to schools about incidents reported in the period.",
        source_extracts=("school_notifications", "police_incidents"),
        grain=Grain.MONTHLY,
        dimensions=WARD_AND_PERIOD,
        notes="A statutory duty since 2024. School holidays and training days are not known, so weekdays stand in for "
        "school days. Children whose school was never notified have no row in the extract and are not counted. "
        "Cut by the incident's ward only: the extract does not hold the child's group.",
        headline=True,
    ),
    Indicator(
        id="mash_decision_24h_pct",
        title="Children's front door decisions within 24 hours",
        description="Of domestic abuse contacts about a child received at the MASH in the period, the share decided "
        "within 24 hours.",
        topic=Topic.FRONT_DOOR,
        unit="% of contacts",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Contacts with a decision (not pending) made no more than 24 hours after the contact was received.",
        denominator="Contacts where domestic abuse is a factor received in the period, less those still undecided "
        "that arrived in the last 24 hours of the data (not yet late).",
        source_extracts=("mash_contacts",),
        grain=Grain.MONTHLY,
        notes="Cut by the child's ward and group.",
    ),
    Indicator(
        id="child_spoken_to_pct",
        title="Incidents where the officer spoke to the child",
        description="Of incidents in the period with children present, the share where the officer recorded "
        "speaking to the child.",
        topic=Topic.FRONT_DOOR,
        unit="% of incidents with children present",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="Incidents with children present where speaking to the child is recorded as yes.",
        denominator="Incidents in the period with one or more children present; nothing recorded counts as not spoken to.",
        source_extracts=POLICE,
        grain=Grain.MONTHLY,
        notes="Inspectors found officers not recording that they spoke to the child. Cut by the victim's ward and "
        "group (the child's group is not in the police extract).",
    ),
    Indicator(
        id="high_risk_referred_to_marac_pct",
        title="High-risk incidents referred to MARAC",
        description="Of incidents in the period assessed as high risk on the DASH checklist, the share the police "
        "referred to MARAC.",
        topic=Topic.FRONT_DOOR,
        unit="% of high-risk incidents",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.PROPORTION,
        numerator="High-risk incidents with the MARAC referral flag set.",
        denominator="Incidents in the period with DASH risk high; a missing referral flag counts as not referred.",
        source_extracts=POLICE,
        grain=Grain.MONTHLY,
        notes="High risk should always go to MARAC. A victim already open to MARAC may be flagged on one "
        "incident only, so read it with the repeat-incident measure.",
    ),
    Indicator(
        id="repeat_3plus_not_marac_pct",
        title=f"Victims with {TRIGGER} not referred to MARAC",
        description=f"Of victims whose incidents reached {TRIGGER_SHORT} during the period (an escalation "
        "trigger for MARAC), the share never referred to MARAC.",
        topic=Topic.FRONT_DOOR,
        unit="% of victims meeting the trigger",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.PROPORTION,
        numerator=f"Victims meeting the trigger with no MARAC referral flagged on any incident, and no MARAC hearing, "
        f"from {WINDOW} before their first trigger in the period to the latest data.",
        denominator=f"Distinct victims with an incident in the period that was their {TRIGGER_ORDINAL} or later within "
        f"{WINDOW} ({_SETTINGS.marac_trigger_window_days} days); each placed by that incident's ward and group.",
        source_extracts=("police_incidents", "marac_cases"),
        grain=Grain.WINDOW,
        dimensions=PERSON,
        notes="Cumulative risk not leading to a MARAC referral was an inspection finding. The trigger is a local "
        "setting: OVERSIGHT_MARAC_TRIGGER_INCIDENTS incidents within OVERSIGHT_MARAC_TRIGGER_WINDOW_DAYS days "
        "(3 in 365 by default, the common local setting).",
        headline=True,
        query_parameters=TRIGGER_PARAMETERS,
        look_back_days=LOOK_BACK,
    ),
    Indicator(
        id="repeat_3plus_not_marac_count",
        title=f"Victims with {TRIGGER} never referred to MARAC",
        description=f"How many victims reached {TRIGGER_SHORT} during the period without a MARAC referral.",
        topic=Topic.FRONT_DOOR,
        unit="victims",
        polarity=Polarity.LOW_IS_GOOD,
        method=Method.COUNT,
        numerator=f"Victims meeting the trigger in the period with no MARAC referral or hearing from {WINDOW} before "
        "their first trigger to the latest data (as in the percentage).",
        denominator="None (a count).",
        source_extracts=("police_incidents", "marac_cases"),
        grain=Grain.WINDOW,
        dimensions=PERSON,
        notes="The people behind the percentage: each is a case to check.",
        query="repeat_3plus_not_marac_pct",  # the percentage's numerator, counted
        query_parameters=TRIGGER_PARAMETERS,
        look_back_days=LOOK_BACK,
    ),
)
