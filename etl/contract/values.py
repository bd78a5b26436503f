"""Closed value sets shared by the extracts (../CONTRACTS.md, "Shared value sets")."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class AgeBand(StrEnum):
    age_0_4 = "0-4"
    age_5_10 = "5-10"
    age_11_15 = "11-15"
    age_16_17 = "16-17"
    age_18_19 = "18-19"
    age_20_24 = "20-24"
    age_25_34 = "25-34"
    age_35_44 = "35-44"
    age_45_54 = "45-54"
    age_55_64 = "55-64"
    age_65_74 = "65-74"
    age_75_plus = "75+"
    unknown = "unknown"


# The bands of children under 16; every other band, unknown included, counts as an adult's. The SQL
# macro `is_child_band` (etl/sql/rules.sql) is the same rule.
CHILD_BANDS = (AgeBand.age_0_4.value, AgeBand.age_5_10.value, AgeBand.age_11_15.value)


class SurveyAgeBand(StrEnum):
    """Age bands a survey rate may apply to: one band, or `all` adults when no band is published."""

    age_16_17 = "16-17"
    age_18_19 = "18-19"
    age_20_24 = "20-24"
    age_25_34 = "25-34"
    age_35_44 = "35-44"
    age_45_54 = "45-54"
    age_55_64 = "55-64"
    age_65_74 = "65-74"
    age_75_plus = "75+"
    all = "all"


class DeprivationQuintile(StrEnum):
    """The national IMD quintile of the areas a survey rate applies to: 1 most deprived, 5 least, or `all`."""

    most_deprived = "1"
    second = "2"
    third = "3"
    fourth = "4"
    least_deprived = "5"
    all = "all"


class Ethnicity(StrEnum):
    """ONS 2021 high-level ethnic groups."""

    asian = "asian"
    black = "black"
    mixed = "mixed"
    white = "white"
    other = "other"
    unknown = "unknown"


class PopulationEthnicity(StrEnum):
    """Population rows may be split by ethnic group or given for `all` groups together."""

    asian = "asian"
    black = "black"
    mixed = "mixed"
    white = "white"
    other = "other"
    all = "all"


class YesNoUnknown(StrEnum):
    yes = "yes"
    no = "no"
    unknown = "unknown"


class Relationship(StrEnum):
    partner = "partner"
    ex_partner = "ex_partner"
    family = "family"
    other = "other"


class DashRisk(StrEnum):
    standard = "standard"
    medium = "medium"
    high = "high"
    not_assessed = "not_assessed"


class ChargeDecision(StrEnum):
    charged = "charged"
    no_further_action = "no_further_action"
    out_of_court = "out_of_court"
    pending = "pending"


class CourtOutcome(StrEnum):
    convicted = "convicted"
    acquitted = "acquitted"
    discontinued = "discontinued"
    dismissed = "dismissed"
    pending = "pending"


class VictimIssue(StrEnum):
    retraction = "retraction"
    non_attendance = "non_attendance"
    does_not_support = "does_not_support"
    none = "none"


class ReferralAgency(StrEnum):
    police = "police"
    idva = "idva"
    health = "health"
    childrens_social_care = "childrens_social_care"
    adult_social_care = "adult_social_care"
    housing = "housing"
    probation = "probation"
    education = "education"
    voluntary = "voluntary"
    other = "other"


class PersonRole(StrEnum):
    victim = "victim"
    child = "child"
    perpetrator = "perpetrator"


class EndReason(StrEnum):
    completed = "completed"
    disengaged = "disengaged"
    declined = "declined"
    not_eligible = "not_eligible"
    transferred = "transferred"


class ReferralSource(StrEnum):
    self = "self"
    police = "police"
    marac = "marac"
    health = "health"
    education = "education"
    social_care = "social_care"
    other = "other"


class MashDecision(StrEnum):
    no_further_action = "no_further_action"
    early_help = "early_help"
    assessment = "assessment"
    child_protection_enquiry = "child_protection_enquiry"
    pending = "pending"


class ServiceType(StrEnum):
    idva = "idva"
    outreach = "outreach"
    refuge = "refuge"
    children = "children"
    perpetrator_programme = "perpetrator_programme"
    helpline = "helpline"
    counselling = "counselling"
    legal = "legal"
    other = "other"


class ClientGroup(StrEnum):
    women = "women"
    men = "men"
    lgbt = "lgbt"
    children = "children"
    young_people = "young_people"
    asian = "asian"
    black = "black"
    minoritised = "minoritised"
    disabled = "disabled"
    deaf = "deaf"
    older_people = "older_people"
    all = "all"


TRUE_WORDS = ("true", "yes", "1", "y")
FALSE_WORDS = ("false", "no", "0", "n")
