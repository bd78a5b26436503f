-- Completeness of each extract's key fields: per ward (null: ward not known), the records held and
-- those with the field recorded, so the caller can add up the district or cut by ward. A mart, since
-- it changes only with a refresh and reads every staged row. A field is
-- recorded when it holds a value other than `unknown` (DASH: other than `not_assessed`).
-- depends: stg_crime_outcomes, stg_marac_cases, stg_mash_contacts, stg_police_incidents, stg_school_notifications, stg_service_referrals
with incidents as (
    select * from stg_police_incidents
),

crimes as (
    select * from stg_crime_outcomes
),

lost_crimes as (
    -- crimes closed for evidential difficulties or lost at court: where a victim issue should be recorded
    select * from crimes
    where outcome_code in (15, 16) or court_outcome in ('acquitted', 'discontinued', 'dismissed')
),

marac as (
    select * from stg_marac_cases
),

referrals as (
    select * from stg_service_referrals
),

mash as (
    select * from stg_mash_contacts
),

notifications as (
    select
        stg_police_incidents.ward_code,
        stg_police_incidents.incident_id is not null as is_linked
    from stg_school_notifications
    left join stg_police_incidents on stg_police_incidents.incident_id = stg_school_notifications.incident_id
)

select 'police_incidents' as extract, 1 as check_order, 'Ward known' as field, ward_code, count(*) as records, count(ward_code) as recorded from incidents group by ward_code
union all select 'police_incidents', 2, 'Victim''s sex recorded', ward_code, count(*), count_if(victim_sex <> 'unknown') from incidents group by ward_code
union all select 'police_incidents', 3, 'Victim''s age band recorded', ward_code, count(*), count_if(victim_age_band <> 'unknown') from incidents group by ward_code
union all select 'police_incidents', 4, 'Victim''s ethnic group recorded', ward_code, count(*), count_if(victim_ethnicity <> 'unknown') from incidents group by ward_code
union all select 'police_incidents', 5, 'DASH risk assessed', ward_code, count(*), count_if(dash_risk <> 'not_assessed') from incidents group by ward_code
union all select 'police_incidents', 6, 'Victim''s disability recorded', ward_code, count(*), count_if(victim_disability <> 'unknown') from incidents group by ward_code
union all select 'police_incidents', 7, 'Whether the victim is LGBT+ recorded', ward_code, count(*), count_if(victim_lgbt <> 'unknown') from incidents group by ward_code
union all select 'crime_outcomes', 8, 'Ward known', ward_code, count(*), count(ward_code) from crimes group by ward_code
union all select 'crime_outcomes', 9, 'Linked to its police incident', ward_code, count(*), count(incident_id) from crimes group by ward_code
union all select 'crime_outcomes', 10, 'Victim issue recorded where a case was lost', ward_code, count(*), count(victim_issue) from lost_crimes group by ward_code
union all select 'marac_cases', 11, 'Ward known', ward_code, count(*), count(ward_code) from marac group by ward_code
union all select 'marac_cases', 12, 'Victim''s sex recorded', ward_code, count(*), count_if(victim_sex <> 'unknown') from marac group by ward_code
union all select 'marac_cases', 13, 'Victim''s age band recorded', ward_code, count(*), count_if(victim_age_band <> 'unknown') from marac group by ward_code
union all select 'marac_cases', 14, 'Victim''s ethnic group recorded', ward_code, count(*), count_if(victim_ethnicity <> 'unknown') from marac group by ward_code
union all select 'marac_cases', 15, 'Victim''s disability recorded', ward_code, count(*), count_if(victim_disability <> 'unknown') from marac group by ward_code
union all select 'marac_cases', 16, 'Whether the victim is LGBT+ recorded', ward_code, count(*), count_if(victim_lgbt <> 'unknown') from marac group by ward_code
union all select 'service_referrals', 17, 'Ward known', ward_code, count(*), count(ward_code) from referrals group by ward_code
union all select 'service_referrals', 18, 'Sex recorded', ward_code, count(*), count_if(sex <> 'unknown') from referrals group by ward_code
union all select 'service_referrals', 19, 'Age band recorded', ward_code, count(*), count_if(age_band <> 'unknown') from referrals group by ward_code
union all select 'service_referrals', 20, 'Ethnic group recorded', ward_code, count(*), count_if(ethnicity <> 'unknown') from referrals group by ward_code
union all select 'service_referrals', 21, 'Referral source recorded', ward_code, count(*), count(source) from referrals group by ward_code
union all select 'mash_contacts', 22, 'Ward known', ward_code, count(*), count(ward_code) from mash group by ward_code
union all select 'mash_contacts', 23, 'Child''s sex recorded', ward_code, count(*), count_if(child_sex <> 'unknown') from mash group by ward_code
union all select 'mash_contacts', 24, 'Child''s age band recorded', ward_code, count(*), count_if(child_age_band <> 'unknown') from mash group by ward_code
union all select 'mash_contacts', 25, 'Child''s ethnic group recorded', ward_code, count(*), count_if(child_ethnicity <> 'unknown') from mash group by ward_code
union all select 'school_notifications', 26, 'Linked to a police incident held', ward_code, count(*), count_if(is_linked) from notifications group by ward_code
