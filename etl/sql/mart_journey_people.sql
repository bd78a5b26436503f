-- One row per person-journey: a person entering a cohort (an incident reported to police, a
-- high-risk incident, a child named in a school notification, a MARAC hearing) and how long after
-- the entry each later event first happened to them, linked by the pseudonymous ids agencies share.
-- Only events on or after the entry count; a person's journey is followed until the data ends
-- (mart_follow_up_end, one row read where follow-up is timed, so a later event does not change every
-- row here), and anything not yet seen by then is censored, not missing.
-- This file sorts before the MARAC, MASH, school and referral marts, so it reads their staging tables.
--
-- Built one cohort at a time (`$piece` is the cohort), the biggest in parts of its people
-- (`$part` of `$parts`), so a national build stays within the refresh's memory limit; each part's
-- rows are written in entry order, so a query for one period reads only the row groups that hold it.
-- The MARAC escalation trigger is a setting: $trigger_incidents incidents within $trigger_window_days days
-- (3 in 365 by default), bound at refresh.
-- pieces: incident/2, high_risk, children, marac
-- A person's rows depend on their own events and on those of the people their entries link them to,
-- so the mart is rebuilt by person (etl/sql/keys/mart_journey_people.sql finds whose rows may change).
-- depends: stg_marac_cases, stg_mash_contacts, stg_school_notifications, stg_service_referrals, mart_crimes, mart_incidents
-- key: person_id
with incidents as not materialized (
    select incident_id, victim_id, reported_at, ward_code, victim_sex, victim_age_band, victim_ethnicity,
           n_children_present, n_victim_incidents_12m, dash_risk
    from mart_incidents
),

crimes as not materialized (
    select crime_id, incident_id, victim_id, recorded_at, arrested_at, charge_decision_at, charge_decision,
           court_outcome_at, court_outcome
    from mart_crimes
),

marac as not materialized (
    select case_id, victim_id, heard_on from stg_marac_cases
),

referrals as not materialized (
    select person_id, person_role, referred_at, started_at, ended_at, end_reason from stg_service_referrals
),

notifications as not materialized (
    select incident_id, child_id, notified_at from stg_school_notifications
),

mash as not materialized (
    select child_id, received_at, decided_at, decision, child_sex, child_age_band, child_ethnicity
    from stg_mash_contacts
),

child_groups as (
    -- a child's sex, age band and ethnic group come from their first front-door contact
    select child_id, arg_min(child_sex, received_at) as sex, arg_min(child_age_band, received_at) as age_band,
           arg_min(child_ethnicity, received_at) as ethnicity
    from mash
    where $piece = 'children'
    group by child_id
),

victim_entries as (
    select
        incidents.victim_id as person_id, incidents.incident_id as entry_id, incidents.reported_at as entry_at,
        incidents.victim_id, incidents.incident_id, null::varchar as child_id, 'victim' as service_role,
        incidents.ward_code, incidents.victim_sex as sex, incidents.victim_age_band as age_band,
        incidents.victim_ethnicity as ethnicity, incidents.n_children_present, incidents.n_victim_incidents_12m,
        -- the victim's incidents in the trigger's window up to this one (every incident of the victim is in
        -- the incident cohort's part, so the count is whole there; other cohorts do not use it)
        case when $piece = 'incident' then count(*) over (
            partition by incidents.victim_id order by incidents.reported_at
            range between to_days($trigger_window_days::integer) preceding and current row
        ) >= $trigger_incidents::integer end as meets_marac_trigger
    from incidents
    where ($piece = 'incident' or ($piece = 'high_risk' and incidents.dash_risk = 'high'))
      and hash(incidents.victim_id) % $parts::ubigint = $part::ubigint
      and (not $keyed or incidents.victim_id in (select key from _dirty_keys))
),

child_entries as (
    -- a child named in more than one notification about the same incident enters once
    select
        notifications.child_id as person_id,
        notifications.incident_id || '/' || notifications.child_id as entry_id, incidents.reported_at as entry_at,
        incidents.victim_id, incidents.incident_id, notifications.child_id, 'child' as service_role,
        incidents.ward_code, coalesce(child_groups.sex, 'unknown') as sex,
        coalesce(child_groups.age_band, 'unknown') as age_band, coalesce(child_groups.ethnicity, 'unknown') as ethnicity,
        incidents.n_children_present, null::bigint as n_victim_incidents_12m, null::boolean as meets_marac_trigger
    from (
        select distinct incident_id, child_id from notifications
        where $piece = 'children' and hash(child_id) % $parts::ubigint = $part::ubigint
          and (not $keyed or child_id in (select key from _dirty_keys))
    ) as notifications
    join incidents on incidents.incident_id = notifications.incident_id
    left join child_groups on child_groups.child_id = notifications.child_id
),

marac_entries as (
    select
        cases.victim_id as person_id, cases.case_id as entry_id, cases.heard_on::timestamp as entry_at,
        cases.victim_id, null::varchar as incident_id, null::varchar as child_id, 'victim' as service_role,
        cases.ward_code, cases.victim_sex as sex, cases.victim_age_band as age_band, cases.victim_ethnicity as ethnicity,
        cases.n_children_in_household as n_children_present, null::bigint as n_victim_incidents_12m,
        null::boolean as meets_marac_trigger
    from stg_marac_cases as cases
    where $piece = 'marac' and hash(cases.victim_id) % $parts::ubigint = $part::ubigint
      and (not $keyed or cases.victim_id in (select key from _dirty_keys))
),

-- Read again by every step below rather than held: a scan costs less than keeping millions of rows.
entries as not materialized (
    select * from victim_entries
    union all by name select * from child_entries
    union all by name select * from marac_entries
),

entry_history as (
    -- The day of the person's entry before this one (entries in order of time, then id), so a query
    -- can tell a person's first entry in a period without ranking people; and, in the incident
    -- cohort, whose entries are all of a victim's incidents, their next incident within a year.
    select * from (
        select
            entry_id,
            -- of entries at the same moment, all but the first by id have the one before on the same day
            case when entry_id > min(entry_id) over same_time then cast(entry_at as date)
                 else max(cast(entry_at as date)) over (
                     partition by person_id order by entry_at
                     range between unbounded preceding and interval 1 microsecond preceding)
            end as previous_entry_on,
            case when $piece = 'incident' then min(entry_at) over (
                partition by person_id order by entry_at
                range between interval 1 microsecond following and interval 365 days following)
            end as next_incident_at
        from entries
        window same_time as (partition by person_id order by entry_at range between current row and current row)
    )
    where previous_entry_on is not null or next_incident_at is not null
),

first_marac as (
    select entries.entry_id, min(marac.heard_on) as marac_heard_on
    from entries
    join marac on marac.victim_id = entries.victim_id and marac.heard_on >= cast(entries.entry_at as date)
    group by all
),

first_support as (
    select
        entries.entry_id,
        min(referrals.referred_at) as referred_at,
        min(referrals.started_at) as support_started_at,
        arg_min(referrals.ended_at, referrals.started_at) as support_ended_at,
        arg_min(referrals.end_reason, referrals.started_at) as support_end_reason
    from entries
    join referrals on referrals.person_id = coalesce(entries.child_id, entries.victim_id)
        and referrals.person_role = entries.service_role and referrals.referred_at >= entries.entry_at
    group by all
),

incident_crimes as (
    -- an incident's own crime
    select entries.entry_id,
           arg_min(crimes.recorded_at, crimes.recorded_at) as crime_recorded_at,
           arg_min(crimes.arrested_at, crimes.recorded_at) as arrested_at,
           arg_min(crimes.charge_decision_at, crimes.recorded_at) as charge_decision_at,
           arg_min(crimes.charge_decision, crimes.recorded_at) as charge_decision,
           arg_min(crimes.court_outcome_at, crimes.recorded_at) as court_outcome_at,
           arg_min(crimes.court_outcome, crimes.recorded_at) as court_outcome
    from entries
    join crimes on crimes.incident_id = entries.incident_id
    group by all
),

hearing_crimes as (
    -- a MARAC case has no incident, so the victim's first crime recorded after it (the whole row)
    select entries.entry_id, arg_min(crimes, crimes.recorded_at) as crime
    from entries
    join crimes on crimes.victim_id = entries.victim_id and crimes.recorded_at >= entries.entry_at
    where entries.incident_id is null
    group by all
),

first_crime as (
    select * from incident_crimes
    union all by name
    select entry_id, crime.recorded_at as crime_recorded_at, crime.arrested_at, crime.charge_decision_at,
           crime.charge_decision, crime.court_outcome_at, crime.court_outcome
    from hearing_crimes
),

first_repeat as (
    -- another incident within a year; the incident cohort has it from its entry history
    select entry_id, next_incident_at as repeat_incident_at from entry_history where next_incident_at is not null
    union all
    select entries.entry_id, min(incidents.reported_at) as repeat_incident_at
    from entries
    join incidents on incidents.victim_id = entries.victim_id
        and incidents.reported_at > entries.entry_at
        and incidents.reported_at <= entries.entry_at + interval 365 days
    where $piece in ('high_risk', 'marac')
    group by all
),

entry_children as (
    -- the children a journey can reach the front door through: the child itself, or the children
    -- police notified a school about after the entry incident
    select entries.entry_id, entries.entry_at, notifications.child_id, notifications.notified_at
    from entries
    join notifications on notifications.incident_id = entries.incident_id
        and (entries.child_id is null or notifications.child_id = entries.child_id)
),

first_school_and_mash as (
    select entry_children.entry_id,
           min(entry_children.notified_at) as school_notified_at,
           min(mash.received_at) as mash_contact_at,
           arg_min(mash.decided_at, mash.received_at) as mash_decided_at,
           arg_min(mash.decision, mash.received_at) as mash_decision
    from entry_children
    left join mash on mash.child_id = entry_children.child_id and mash.received_at >= entry_children.entry_at
    group by all
),

help_in_run as (
    -- MARAC or a specialist service at any time from the start of the victim's run of incidents that met
    -- the trigger (the trigger's window before the incident)
    select entries.entry_id,
           bool_or(marac.victim_id is not null) or bool_or(referrals.person_id is not null) as has_marac_or_service
    from entries
    left join marac on marac.victim_id = entries.victim_id
        and marac.heard_on >= cast(entries.entry_at - to_days($trigger_window_days::integer) as date)
    left join referrals on referrals.person_id = entries.victim_id and referrals.person_role = 'victim'
        and referrals.referred_at >= entries.entry_at - to_days($trigger_window_days::integer)
    where $piece = 'incident' and entries.meets_marac_trigger
    group by all
)

select
    $piece as cohort, entries.person_id, entries.entry_id, entries.entry_at, cast(entries.entry_at as date) as entry_on,
    entry_history.previous_entry_on,
    entries.ward_code, entries.sex, entries.age_band, entries.ethnicity,
    entries.n_children_present, entries.n_victim_incidents_12m, entries.meets_marac_trigger,
    coalesce(help_in_run.has_marac_or_service, false) as has_marac_or_service_in_12m_run,
    -- each later event as whole seconds after the entry (as the journey steps time them), and the
    -- events timed in days as calendar days after it (as the Kaplan-Meier curves time them)
    date_diff('second', entries.entry_at, first_marac.marac_heard_on::timestamp) as seconds_to_marac,
    date_diff('second', entries.entry_at, first_support.referred_at) as seconds_to_referral,
    date_diff('second', entries.entry_at, first_support.support_started_at) as seconds_to_support_start,
    date_diff('day', entries.entry_at, first_support.support_started_at) as days_to_support_start,
    date_diff('second', entries.entry_at, first_support.support_ended_at) as seconds_to_support_end,
    first_support.support_end_reason,
    date_diff('second', entries.entry_at, first_crime.crime_recorded_at) as seconds_to_crime,
    date_diff('second', entries.entry_at, first_crime.arrested_at) as seconds_to_arrest,
    date_diff('second', entries.entry_at, first_crime.charge_decision_at) as seconds_to_charge_decision,
    first_crime.charge_decision,
    date_diff('second', entries.entry_at, first_crime.court_outcome_at) as seconds_to_court_outcome,
    first_crime.court_outcome,
    date_diff('second', entries.entry_at, first_repeat.repeat_incident_at) as seconds_to_repeat_incident,
    date_diff('day', entries.entry_at, first_repeat.repeat_incident_at) as days_to_repeat_incident,
    date_diff('second', entries.entry_at, first_school_and_mash.school_notified_at) as seconds_to_school_notice,
    date_diff('second', entries.entry_at, first_school_and_mash.mash_contact_at) as seconds_to_mash_contact,
    date_diff('second', entries.entry_at, first_school_and_mash.mash_decided_at) as seconds_to_mash_decision,
    first_school_and_mash.mash_decision
from entries
left join entry_history using (entry_id)
left join first_marac using (entry_id)
left join first_support using (entry_id)
left join first_crime using (entry_id)
left join first_repeat using (entry_id)
left join first_school_and_mash using (entry_id)
left join help_in_run using (entry_id)
order by entries.entry_at, entries.entry_id
