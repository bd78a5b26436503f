"""Data contract v1: one model per agency extract and reference file.

Field descriptions become the generated docs (docs/contracts.md); the set-based validator,
the staging DDL and the docs are all derived from these classes.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from etl.contract.base import Extract
from etl.contract.columns import (
    AreaCode,
    Boolean,
    Choice,
    Choices,
    Count,
    Day,
    Id,
    LsoaCode,
    Moment,
    Number,
    PlanDay,
    Text,
    WardCode,
    WardList,
    Year,
)
from etl.contract.rules import AtLeastOneOf, InOrder, OnlyWhen, RequiredWhen
from etl.contract.values import (
    AgeBand,
    ChargeDecision,
    ClientGroup,
    CourtOutcome,
    DashRisk,
    DeprivationQuintile,
    EndReason,
    Ethnicity,
    MashDecision,
    PersonRole,
    PopulationEthnicity,
    ReferralAgency,
    ReferralSource,
    Relationship,
    ServiceType,
    Sex,
    SurveyAgeBand,
    VictimIssue,
    YesNoUnknown,
)

GEOGRAPHY = AtLeastOneOf(("ward_code", "lsoa_code"))
WARD_DOC = "ONS ward code (E05...); give this or an LSOA code."
LSOA_DOC = "ONS LSOA code (E01...), mapped to its ward through the lookup."


class PoliceIncident(Extract):
    extract_name: ClassVar[str] = "police_incidents"
    title: ClassVar[str] = "Police: domestic abuse incidents and crimes"
    primary_key: ClassVar[tuple[str, ...]] = ("incident_id",)
    rules: ClassVar = (
        GEOGRAPHY,
        RequiredWhen("crime_id", "is_crime", (True,)),
        OnlyWhen("is_child_spoken_to", "n_children_present"),
    )

    incident_id: Id = Field(description="Unique id of the incident.")
    reported_at: Moment = Field(description="When the incident was reported to police.")
    ward_code: WardCode | None = Field(None, description=WARD_DOC)
    lsoa_code: LsoaCode | None = Field(None, description=LSOA_DOC)
    victim_id: Id = Field(description="Pseudonymous victim id, stable across agencies.")
    perpetrator_id: Id | None = Field(None, description="Pseudonymous perpetrator id.")
    victim_sex: Annotated[str, Choice(Sex, missing_is_unknown=True)] = Field(description="Victim's sex.")
    victim_age_band: Annotated[str, Choice(AgeBand, missing_is_unknown=True)] = Field(description="Victim's age band.")
    victim_ethnicity: Annotated[str, Choice(Ethnicity, missing_is_unknown=True)] = Field(
        description="Victim's ethnic group (ONS 2021 high level)."
    )
    victim_disability: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field(
        "unknown", description="Victim has a disability."
    )
    victim_lgbt: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field("unknown", description="Victim is LGBT+.")
    relationship: Annotated[str, Choice(Relationship)] | None = Field(
        None, description="Victim's relationship to the perpetrator."
    )
    dash_risk: Annotated[str, Choice(DashRisk)] = Field(description="DASH risk level.")
    dash_score: Annotated[Count, Field(le=24)] | None = Field(None, description="DASH ticks, 0 to 24.")
    n_children_present: Annotated[Count, Field(le=20)] = Field(description="Children present or normally resident, 0 to 20.")
    is_child_spoken_to: Boolean | None = Field(
        None, description="Officer recorded speaking to the child (when children present)."
    )
    is_crime: Boolean = Field(description="Recorded as a crime.")
    crime_id: Id | None = Field(None, description="Crime id, required when recorded as a crime.")
    is_arrest: Boolean | None = Field(None, description="An arrest was made.")
    is_referred_to_marac: Boolean | None = Field(None, description="Referred to MARAC.")
    is_honour_based: Boolean | None = Field(None, description="Flagged as honour-based abuse.")


class CrimeOutcome(Extract):
    extract_name: ClassVar[str] = "crime_outcomes"
    title: ClassVar[str] = "Police and CPS: each domestic abuse crime's path through justice"
    primary_key: ClassVar[tuple[str, ...]] = ("crime_id",)
    rules: ClassVar = (
        GEOGRAPHY,
        InOrder(("recorded_at", "arrested_at", "cps_referred_at", "charge_decision_at", "court_outcome_at")),
        InOrder(("recorded_at", "outcome_at")),
    )

    crime_id: Id = Field(description="Unique id of the crime.")
    incident_id: Id | None = Field(None, description="The police incident it arose from.")
    victim_id: Id = Field(description="Pseudonymous victim id.")
    ward_code: WardCode | None = Field(None, description=WARD_DOC)
    lsoa_code: LsoaCode | None = Field(None, description=LSOA_DOC)
    recorded_at: Moment = Field(description="When the crime was recorded.")
    arrested_at: Moment | None = Field(None, description="When a suspect was arrested.")
    cps_referred_at: Moment | None = Field(None, description="When the case was referred to the CPS.")
    charge_decision: Annotated[str, Choice(ChargeDecision)] | None = Field(None, description="The charging decision.")
    charge_decision_at: Moment | None = Field(None, description="When the charging decision was made.")
    outcome_code: Annotated[Count, Field(ge=1, le=22)] | None = Field(None, description="Home Office crime outcome, 1 to 22.")
    outcome_at: Moment | None = Field(None, description="When the outcome was assigned.")
    court_outcome: Annotated[str, Choice(CourtOutcome)] | None = Field(None, description="Result at court.")
    court_outcome_at: Moment | None = Field(None, description="When the court outcome was reached.")
    victim_issue: Annotated[str, Choice(VictimIssue)] | None = Field(None, description="Victim issue behind a lost case, if any.")


class MaracCase(Extract):
    extract_name: ClassVar[str] = "marac_cases"
    title: ClassVar[str] = "MARAC: cases heard"
    primary_key: ClassVar[tuple[str, ...]] = ("case_id",)
    rules: ClassVar = (GEOGRAPHY,)

    case_id: Id = Field(description="Unique id of the case.")
    victim_id: Id = Field(description="Pseudonymous victim id.")
    heard_on: Day = Field(description="Date of the MARAC hearing.")
    referral_agency: Annotated[str, Choice(ReferralAgency)] = Field(description="Agency that referred the case.")
    n_children_in_household: Annotated[Count, Field(le=20)] = Field(description="Children in the household, 0 to 20.")
    victim_sex: Annotated[str, Choice(Sex, missing_is_unknown=True)] = Field(description="Victim's sex.")
    victim_age_band: Annotated[str, Choice(AgeBand, missing_is_unknown=True)] = Field(description="Victim's age band.")
    victim_ethnicity: Annotated[str, Choice(Ethnicity, missing_is_unknown=True)] = Field(description="Victim's ethnic group.")
    victim_disability: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field(
        "unknown", description="Victim has a disability."
    )
    victim_lgbt: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field("unknown", description="Victim is LGBT+.")
    ward_code: WardCode | None = Field(None, description=WARD_DOC)
    lsoa_code: LsoaCode | None = Field(None, description=LSOA_DOC)


class ServiceReferral(Extract):
    extract_name: ClassVar[str] = "service_referrals"
    title: ClassVar[str] = "Specialist services: referrals, starts and ends"
    primary_key: ClassVar[tuple[str, ...]] = ("referral_id",)
    references: ClassVar[dict[str, str]] = {"service_id": "services"}
    rules: ClassVar = (GEOGRAPHY, InOrder(("referred_at", "started_at", "ended_at")))

    referral_id: Id = Field(description="Unique id of the referral.")
    service_id: Id = Field(description="The service referred to; must be in the service register.")
    person_id: Id = Field(description="Pseudonymous id of the person referred (victim, child or perpetrator id).")
    person_role: Annotated[str, Choice(PersonRole)] = Field(description="Whether the person is a victim, child or perpetrator.")
    referred_at: Moment = Field(description="When the referral was received.")
    started_at: Moment | None = Field(None, description="When support started.")
    ended_at: Moment | None = Field(None, description="When support ended.")
    end_reason: Annotated[str, Choice(EndReason)] | None = Field(None, description="Why support ended.")
    source: Annotated[str, Choice(ReferralSource)] | None = Field(None, description="Who referred.")
    sex: Annotated[str, Choice(Sex, missing_is_unknown=True)] = Field(description="Person's sex.")
    age_band: Annotated[str, Choice(AgeBand, missing_is_unknown=True)] = Field(description="Person's age band.")
    ethnicity: Annotated[str, Choice(Ethnicity, missing_is_unknown=True)] = Field(description="Person's ethnic group.")
    disability: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field(
        "unknown", description="Person has a disability."
    )
    lgbt: Annotated[str, Choice(YesNoUnknown, missing_is_unknown=True)] = Field("unknown", description="Person is LGBT+.")
    ward_code: WardCode | None = Field(None, description=WARD_DOC)
    lsoa_code: LsoaCode | None = Field(None, description=LSOA_DOC)


class MashContact(Extract):
    extract_name: ClassVar[str] = "mash_contacts"
    title: ClassVar[str] = "Children's front door (MASH): contacts about a child"
    primary_key: ClassVar[tuple[str, ...]] = ("contact_id",)
    rules: ClassVar = (GEOGRAPHY, InOrder(("received_at", "decided_at")))

    contact_id: Id = Field(description="Unique id of the contact.")
    child_id: Id = Field(description="Pseudonymous child id.")
    received_at: Moment = Field(description="When the contact was received.")
    source: Annotated[str, Choice(ReferralSource)] = Field(description="Who made the contact.")
    is_domestic_abuse: Boolean = Field(description="Domestic abuse is a factor.")
    decision: Annotated[str, Choice(MashDecision)] | None = Field(None, description="The front door's decision.")
    decided_at: Moment | None = Field(None, description="When the decision was made.")
    child_sex: Annotated[str, Choice(Sex, missing_is_unknown=True)] = Field(description="Child's sex.")
    child_age_band: Annotated[str, Choice(AgeBand, missing_is_unknown=True)] = Field(description="Child's age band.")
    child_ethnicity: Annotated[str, Choice(Ethnicity, missing_is_unknown=True)] = Field(description="Child's ethnic group.")
    ward_code: WardCode | None = Field(None, description=WARD_DOC)
    lsoa_code: LsoaCode | None = Field(None, description=LSOA_DOC)


class SchoolNotification(Extract):
    extract_name: ClassVar[str] = "school_notifications"
    title: ClassVar[str] = "Operation Encompass: notifications to schools"
    primary_key: ClassVar[tuple[str, ...]] = ("notification_id",)

    notification_id: Id = Field(description="Unique id of the notification.")
    incident_id: Id = Field(description="The police incident the child was linked to.")
    child_id: Id = Field(description="Pseudonymous child id.")
    school_id: Id = Field(description="The school notified.")
    notified_at: Moment = Field(description="When the school was notified.")


class Service(Extract):
    extract_name: ClassVar[str] = "services"
    title: ClassVar[str] = "Reference: the register of services"
    is_reference: ClassVar[bool] = True
    primary_key: ClassVar[tuple[str, ...]] = ("service_id",)

    service_id: Id = Field(description="Unique id of the service.")
    name: Annotated[str, Text(200)] = Field(description="Service name.")
    provider: Annotated[str, Text(200)] = Field(description="Organisation that runs it.")
    service_type: Annotated[str, Choice(ServiceType)] = Field(description="Kind of service.")
    client_groups: Annotated[list[str], Choices(ClientGroup)] = Field(description="Semicolon list of the groups it serves.")
    wards_served: WardList = Field(description="Semicolon list of ward codes served, or `all`.")
    latitude: Annotated[Number, Field(ge=-90, le=90)] | None = Field(None, description="Latitude of its base (WGS84).")
    longitude: Annotated[Number, Field(ge=-180, le=180)] | None = Field(None, description="Longitude of its base (WGS84).")
    capacity_per_year: Annotated[Count, Field(le=10_000_000)] | None = Field(None, description="People it can support in a year.")
    fte: Annotated[Number, Field(ge=0, le=100_000)] | None = Field(None, description="Full-time-equivalent case workers.")
    annual_funding_gbp: Annotated[Number, Field(ge=0, le=10_000_000_000)] | None = Field(
        None, description="Annual funding in pounds."
    )
    is_commissioned: Boolean = Field(description="Commissioned by a statutory body.")
    commissioner: Annotated[str, Text(200)] | None = Field(None, description="Who commissions it.")
    contract_ends_on: PlanDay | None = Field(None, description="Date the current contract ends (usually in the future).")
    is_by_and_for: Boolean | None = Field(None, description="Run by and for the community it serves.")


class Population(Extract):
    extract_name: ClassVar[str] = "population"
    title: ClassVar[str] = "Reference: resident population"
    is_reference: ClassVar[bool] = True
    primary_key: ClassVar[tuple[str, ...]] = ("area_code", "year", "sex", "age_band", "ethnicity")

    area_code: AreaCode = Field(description="Ward (E05...) or LSOA (E01...) code.")
    year: Year = Field(description="Mid-year the estimate is for.")
    sex: Annotated[str, Choice(Sex)] = Field(description="Sex.")
    age_band: Annotated[str, Choice(AgeBand)] = Field(description="Age band.")
    ethnicity: Annotated[str, Choice(PopulationEthnicity)] = Field("all", description="Ethnic group, or `all` when not split.")
    population: Annotated[Count, Field(le=100_000_000)] = Field(description="Residents, 0 or more.")


class LsoaWardLookup(Extract):
    extract_name: ClassVar[str] = "lsoa_ward_lookup"
    title: ClassVar[str] = "Reference: LSOA to ward lookup"
    is_reference: ClassVar[bool] = True
    primary_key: ClassVar[tuple[str, ...]] = ("lsoa_code",)
    column_aliases: ClassVar[dict[str, str]] = {r"lsoa\d{2}cd": "lsoa_code", r"wd\d{2}cd": "ward_code"}

    lsoa_code: LsoaCode = Field(description="LSOA code (ONS names such as LSOA11CD are recognised).")
    ward_code: WardCode = Field(description="Ward code (ONS names such as WD19CD are recognised).")


class PrevalenceRate(Extract):
    extract_name: ClassVar[str] = "prevalence_rates"
    title: ClassVar[str] = "Reference: survey prevalence rates for estimating hidden need"
    is_reference: ClassVar[bool] = True
    primary_key: ClassVar[tuple[str, ...]] = ("source", "period", "sex", "age_band", "imd_quintile")

    source: Annotated[str, Text(300)] = Field(description="Survey and table the rate comes from, and any substitution made.")
    period: Annotated[str, Text(50)] = Field(description="Period the rate describes, e.g. `year ending March 2023`.")
    sex: Annotated[str, Choice(Sex)] = Field(description="Sex the rate applies to.")
    age_band: Annotated[str, Choice(SurveyAgeBand)] = Field(description="Age band, or `all` for the sex-level rate.")
    imd_quintile: Annotated[str, Choice(DeprivationQuintile)] = Field(
        "all",
        description="Optional. National IMD quintile of the areas the rate is for (`1` most deprived to `5` least), "
        "or `all` when the rate is not split by deprivation. Where quintile rates are held, wards "
        "with an IMD quintile are estimated with them.",
    )
    rate: Annotated[Number, Field(ge=0, le=1)] = Field(description="Share of people victimised in a year, 0 to 1.")


class WardBoundary(Extract):
    """Wards arrive as a boundary file (GeoJSON, GeoPackage or shapefile); see etl.geography."""

    extract_name: ClassVar[str] = "wards"
    title: ClassVar[str] = "Reference: ward boundaries"
    is_reference: ClassVar[bool] = True
    primary_key: ClassVar[tuple[str, ...]] = ("ward_code",)
    column_aliases: ClassVar[dict[str, str]] = {
        r"wd\d{2}cd": "ward_code",
        r"wd\d{2}nm": "ward_name",
        r"imd_?(\d{2,4}_?)?quintile(_?\d{2,4})?": "imd_quintile",
    }

    ward_code: WardCode = Field(description="Ward code (ONS `WDyyCD` of any year, or `ward_code`).")
    ward_name: Annotated[str, Text(200)] = Field(description="Ward name (ONS `WDyyNM` of any year, or `ward_name`).")
    imd_quintile: Annotated[Count, Field(ge=1, le=5)] | None = Field(
        None,
        description="Optional. The ward's national IMD 2019 quintile (1 most deprived to 5 least), from its "
        "LSOAs weighted by population (`imd_quintile`, or a name such as `IMD19_quintile`).",
    )


EXTRACTS: tuple[type[Extract], ...] = (
    PoliceIncident,
    CrimeOutcome,
    MaracCase,
    ServiceReferral,
    MashContact,
    SchoolNotification,
)
REFERENCES: tuple[type[Extract], ...] = (WardBoundary, LsoaWardLookup, Population, Service, PrevalenceRate)
ALL_MODELS: tuple[type[Extract], ...] = REFERENCES + EXTRACTS
BY_NAME: dict[str, type[Extract]] = {model.extract_name: model for model in ALL_MODELS}
