-- Each crime's path through justice, with the stage it reached and days between stages.
-- The victim's group comes from the crime's own incident, or else from the same victim's
-- incident nearest in time (a crime sent without its incident id still has a victim id).
-- depends: stg_crime_outcomes, stg_police_incidents
-- key: crime_id
with crimes as (
    select * from stg_crime_outcomes
    where not $keyed or crime_id in (select key from _dirty_keys)
),

incidents as (
    select incident_id, victim_id, reported_at, victim_sex, victim_age_band, victim_ethnicity
    from stg_police_incidents
    -- rebuilt by key, only the incidents a crime rebuilt can read: its own, and its victim's
    where not $keyed or victim_id in (select victim_id from crimes) or incident_id in (select incident_id from crimes)
),

linked_incidents as (
    select crimes.crime_id, incidents.*
    from crimes
    join incidents on incidents.incident_id = crimes.incident_id
),

nearest_victim_incidents as (
    select crimes.crime_id, incidents.victim_sex, incidents.victim_age_band, incidents.victim_ethnicity
    from crimes
    -- only crimes without their own incident need it; the rest would be ranked for nothing
    anti join linked_incidents on linked_incidents.crime_id = crimes.crime_id
    join incidents on incidents.victim_id = crimes.victim_id
    qualify row_number() over (
        partition by crimes.crime_id
        order by abs(date_diff('second', incidents.reported_at, crimes.recorded_at)), incidents.incident_id
    ) = 1
)

select
    crimes.* exclude (_source_file, _source_line, _run_id),
    cast(crimes.recorded_at as date) as recorded_on,
    cast(date_trunc('month', crimes.recorded_at) as date) as month_start,
    cast(date_trunc('quarter', crimes.recorded_at) as date) as quarter_start,
    year(crimes.recorded_at) as calendar_year,
    case when month(crimes.recorded_at) >= 4 then year(crimes.recorded_at)
         else year(crimes.recorded_at) - 1 end as financial_year,
    coalesce(linked_incidents.victim_sex, nearest_victim_incidents.victim_sex, 'unknown') as victim_sex,
    coalesce(linked_incidents.victim_age_band, nearest_victim_incidents.victim_age_band, 'unknown') as victim_age_band,
    coalesce(linked_incidents.victim_ethnicity, nearest_victim_incidents.victim_ethnicity, 'unknown') as victim_ethnicity,
    linked_incidents.reported_at as incident_reported_at,
    crimes.arrested_at is not null as is_arrested,
    crimes.cps_referred_at is not null as is_cps_referred,
    crimes.charge_decision = 'charged' as is_charged,
    crimes.charge_decision = 'charged' and crimes.court_outcome is not null as is_prosecuted,
    crimes.court_outcome = 'convicted' as is_convicted,
    coalesce(crimes.charge_decision in ('charged', 'no_further_action', 'out_of_court'), false) as is_charge_decided,
    coalesce(crimes.charge_decision = 'charged'
             and crimes.court_outcome in ('convicted', 'acquitted', 'discontinued', 'dismissed'), false)
        as is_prosecution_completed,
    coalesce(crimes.charge_decision = 'charged'
             and crimes.court_outcome in ('acquitted', 'discontinued', 'dismissed'), false)
        as is_unsuccessful_prosecution,
    coalesce(crimes.victim_issue in ('retraction', 'non_attendance', 'does_not_support'), false) as has_victim_issue,
    date_diff('day', linked_incidents.reported_at, crimes.recorded_at) as days_incident_to_recorded,
    date_diff('day', crimes.recorded_at, crimes.arrested_at) as days_recorded_to_arrest,
    date_diff('day', crimes.arrested_at, crimes.cps_referred_at) as days_arrest_to_cps,
    date_diff('day', crimes.cps_referred_at, crimes.charge_decision_at) as days_cps_to_charge_decision,
    date_diff('day', crimes.charge_decision_at, crimes.court_outcome_at) as days_charge_to_court_outcome,
    date_diff('day', crimes.recorded_at, crimes.court_outcome_at) as days_recorded_to_court_outcome
from crimes
left join linked_incidents on linked_incidents.crime_id = crimes.crime_id
left join nearest_victim_incidents on nearest_victim_incidents.crime_id = crimes.crime_id
