-- One row per person-journey: a person entering a cohort (an incident reported to police, a
-- high-risk incident, a child named in a school notification, a MARAC hearing) and the first time
-- each later event happened to them, linked by the pseudonymous ids agencies share.
-- Only events on or after the entry count; a person's journey is followed until the data ends
-- (`follow_up_end_at`), and anything not yet seen by then is censored, not missing.
-- This file sorts before the MARAC, MASH, school and referral marts, so it reads their staging tables.
with incidents as (
    select * from mart_incidents
),

crimes as (
    select * from mart_crimes
),

marac as (
    select case_id, victim_id, heard_on from stg_marac_cases
),

referrals as (
    select person_id, person_role, referred_at, started_at, ended_at, end_reason from stg_service_referrals
),

notifications as (
    select incident_id, child_id, notified_at from stg_school_notifications
),

mash as (
    select child_id, received_at, decided_at, decision, child_sex, child_age_band, child_ethnicity
    from stg_mash_contacts
),

data_end as (
    select greatest(
        (select max(reported_at) from incidents),
        (select max(recorded_at) from crimes),
        (select max(heard_on)::timestamp from marac),
        (select max(greatest(referred_at, coalesce(started_at, referred_at), coalesce(ended_at, referred_at))) from referrals),
        (select max(received_at) from mash),
        (select max(notified_at) from notifications)
    ) as follow_up_end_at
),

child_groups as (
    -- a child's sex, age band and ethnic group come from their first front-door contact
    select child_id, arg_min(child_sex, received_at) as sex, arg_min(child_age_band, received_at) as age_band,
           arg_min(child_ethnicity, received_at) as ethnicity
    from mash
    group by child_id
),

victim_entries as (
    select
        cohort, incidents.victim_id as person_id, incidents.incident_id as entry_id, incidents.reported_at as entry_at,
        incidents.victim_id, incidents.incident_id, null::varchar as child_id, 'victim' as service_role,
        incidents.ward_code, incidents.victim_sex as sex, incidents.victim_age_band as age_band,
        incidents.victim_ethnicity as ethnicity, incidents.n_children_present, incidents.n_victim_incidents_12m
    from incidents
    cross join (values ('incident'), ('high_risk')) as cohorts(cohort)
    where cohort = 'incident' or incidents.dash_risk = 'high'
),

child_entries as (
    select distinct
        'children' as cohort, notifications.child_id as person_id,
        notifications.incident_id || '/' || notifications.child_id as entry_id, incidents.reported_at as entry_at,
        incidents.victim_id, incidents.incident_id, notifications.child_id, 'child' as service_role,
        incidents.ward_code, coalesce(child_groups.sex, 'unknown') as sex,
        coalesce(child_groups.age_band, 'unknown') as age_band, coalesce(child_groups.ethnicity, 'unknown') as ethnicity,
        incidents.n_children_present, null::bigint as n_victim_incidents_12m
    from notifications
    join incidents on incidents.incident_id = notifications.incident_id
    left join child_groups on child_groups.child_id = notifications.child_id
),

marac_entries as (
    select
        'marac' as cohort, cases.victim_id as person_id, cases.case_id as entry_id, cases.heard_on::timestamp as entry_at,
        cases.victim_id, null::varchar as incident_id, null::varchar as child_id, 'victim' as service_role,
        cases.ward_code, cases.victim_sex as sex, cases.victim_age_band as age_band, cases.victim_ethnicity as ethnicity,
        cases.n_children_in_household as n_children_present, null::bigint as n_victim_incidents_12m
    from stg_marac_cases as cases
),

-- Materialised once: every step below joins the entries again.
entries as materialized (
    select * from victim_entries
    union all by name select * from child_entries
    union all by name select * from marac_entries
),

first_marac as (
    select entries.cohort, entries.entry_id, min(marac.heard_on) as marac_heard_on
    from entries
    join marac on marac.victim_id = entries.victim_id and marac.heard_on >= cast(entries.entry_at as date)
    group by all
),

first_support as (
    select
        entries.cohort, entries.entry_id,
        min(referrals.referred_at) as referred_at,
        min(referrals.started_at) as support_started_at,
        arg_min(referrals.ended_at, referrals.started_at) as support_ended_at,
        arg_min(referrals.end_reason, referrals.started_at) as support_end_reason
    from entries
    join referrals on referrals.person_id = coalesce(entries.child_id, entries.victim_id)
        and referrals.person_role = entries.service_role and referrals.referred_at >= entries.entry_at
    group by all
),

entry_crimes as (
    -- an incident's own crime; a MARAC case has no incident, so the victim's first crime recorded after it
    select entries.cohort, entries.entry_id, crimes.crime_id
    from entries
    join crimes on crimes.incident_id = entries.incident_id
    union all
    select entries.cohort, entries.entry_id, arg_min(crimes.crime_id, crimes.recorded_at)
    from entries
    join crimes on crimes.victim_id = entries.victim_id and crimes.recorded_at >= entries.entry_at
    where entries.incident_id is null
    group by all
),

first_crime as (
    select entry_crimes.cohort, entry_crimes.entry_id,
           arg_min(crimes.recorded_at, crimes.recorded_at) as crime_recorded_at,
           arg_min(crimes.arrested_at, crimes.recorded_at) as arrested_at,
           arg_min(crimes.charge_decision_at, crimes.recorded_at) as charge_decision_at,
           arg_min(crimes.charge_decision, crimes.recorded_at) as charge_decision,
           arg_min(crimes.court_outcome_at, crimes.recorded_at) as court_outcome_at,
           arg_min(crimes.court_outcome, crimes.recorded_at) as court_outcome
    from entry_crimes
    join crimes on crimes.crime_id = entry_crimes.crime_id
    group by all
),

first_repeat as (
    select entries.cohort, entries.entry_id, min(incidents.reported_at) as repeat_incident_at
    from entries
    join incidents on incidents.victim_id = entries.victim_id
        and incidents.reported_at > entries.entry_at
        and incidents.reported_at <= entries.entry_at + interval 365 days
    where entries.cohort <> 'children'
    group by all
),

entry_children as (
    -- the children a journey can reach the front door through: the child itself, or the children
    -- police notified a school about after the entry incident
    select entries.cohort, entries.entry_id, notifications.child_id, notifications.notified_at
    from entries
    join notifications on notifications.incident_id = entries.incident_id
        and (entries.child_id is null or notifications.child_id = entries.child_id)
),

first_school_and_mash as (
    select entry_children.cohort, entry_children.entry_id,
           min(entry_children.notified_at) as school_notified_at,
           min(mash.received_at) as mash_contact_at,
           arg_min(mash.decided_at, mash.received_at) as mash_decided_at,
           arg_min(mash.decision, mash.received_at) as mash_decision
    from entry_children
    join entries on entries.cohort = entry_children.cohort and entries.entry_id = entry_children.entry_id
    left join mash on mash.child_id = entry_children.child_id and mash.received_at >= entries.entry_at
    group by all
),

help_in_run as (
    -- MARAC or a specialist service at any time from the start of the victim's 12-month run of incidents
    select entries.entry_id,
           bool_or(marac.victim_id is not null) or bool_or(referrals.person_id is not null) as has_marac_or_service
    from entries
    left join marac on marac.victim_id = entries.victim_id
        and marac.heard_on >= cast(entries.entry_at - interval 365 days as date)
    left join referrals on referrals.person_id = entries.victim_id and referrals.person_role = 'victim'
        and referrals.referred_at >= entries.entry_at - interval 365 days
    where entries.cohort = 'incident' and entries.n_victim_incidents_12m >= 3
    group by all
)

select
    entries.cohort, entries.person_id, entries.entry_id, entries.entry_at, cast(entries.entry_at as date) as entry_on,
    entries.ward_code, entries.sex, entries.age_band, entries.ethnicity,
    entries.n_children_present, entries.n_victim_incidents_12m,
    coalesce(help_in_run.has_marac_or_service, false) as has_marac_or_service_in_12m_run,
    first_marac.marac_heard_on,
    first_support.referred_at, first_support.support_started_at, first_support.support_ended_at,
    first_support.support_end_reason,
    first_crime.crime_recorded_at, first_crime.arrested_at, first_crime.charge_decision_at, first_crime.charge_decision,
    first_crime.court_outcome_at, first_crime.court_outcome,
    first_repeat.repeat_incident_at,
    first_school_and_mash.school_notified_at, first_school_and_mash.mash_contact_at,
    first_school_and_mash.mash_decided_at, first_school_and_mash.mash_decision,
    data_end.follow_up_end_at
from entries
cross join data_end
left join first_marac using (cohort, entry_id)
left join first_support using (cohort, entry_id)
left join first_crime using (cohort, entry_id)
left join first_repeat using (cohort, entry_id)
left join first_school_and_mash using (cohort, entry_id)
left join help_in_run on entries.cohort = 'incident' and help_in_run.entry_id = entries.entry_id
