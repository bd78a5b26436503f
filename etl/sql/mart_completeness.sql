-- Completeness of each extract's key fields: per ward (null: ward not known), the records held and
-- those with the field recorded, so the caller can add up the district or cut by ward. A mart, since
-- it changes only with a refresh and reads every staged row. A field is
-- recorded when it holds a value other than `unknown` (DASH: other than `not_assessed`).
-- Each extract is read once, every field counted in the one pass, then laid out a row per field.
-- depends: mart_school_notifications, stg_crime_outcomes, stg_marac_cases, stg_mash_contacts, stg_police_incidents, stg_service_referrals
with incidents as materialized (
    select
        ward_code,
        count(*) as records,
        count(ward_code) as ward,
        count_if(victim_sex <> 'unknown') as sex,
        count_if(victim_age_band <> 'unknown') as age_band,
        count_if(victim_ethnicity <> 'unknown') as ethnicity,
        count_if(dash_risk <> 'not_assessed') as dash,
        count_if(victim_disability <> 'unknown') as disability,
        count_if(victim_lgbt <> 'unknown') as lgbt
    from stg_police_incidents
    group by ward_code
),

crimes as materialized (
    select
        ward_code,
        count(*) as records,
        count(ward_code) as ward,
        count(incident_id) as incident,
        -- crimes closed for evidential difficulties or lost at court: where a victim issue should be recorded
        count(*) filter (where is_lost) as lost,
        count(victim_issue) filter (where is_lost) as lost_with_issue
    from (
        select
            *,
            coalesce(outcome_code in (15, 16) or court_outcome in ('acquitted', 'discontinued', 'dismissed'), false)
                as is_lost
        from stg_crime_outcomes
    )
    group by ward_code
),

marac as materialized (
    select
        ward_code,
        count(*) as records,
        count(ward_code) as ward,
        count_if(victim_sex <> 'unknown') as sex,
        count_if(victim_age_band <> 'unknown') as age_band,
        count_if(victim_ethnicity <> 'unknown') as ethnicity,
        count_if(victim_disability <> 'unknown') as disability,
        count_if(victim_lgbt <> 'unknown') as lgbt
    from stg_marac_cases
    group by ward_code
),

referrals as materialized (
    select
        ward_code,
        count(*) as records,
        count(ward_code) as ward,
        count_if(sex <> 'unknown') as sex,
        count_if(age_band <> 'unknown') as age_band,
        count_if(ethnicity <> 'unknown') as ethnicity,
        count(source) as source
    from stg_service_referrals
    group by ward_code
),

mash as materialized (
    select
        ward_code,
        count(*) as records,
        count(ward_code) as ward,
        count_if(child_sex <> 'unknown') as sex,
        count_if(child_age_band <> 'unknown') as age_band,
        count_if(child_ethnicity <> 'unknown') as ethnicity
    from stg_mash_contacts
    group by ward_code
),

notifications as (
    -- the notifications mart holds each notification against its incident, so the join is made once, there
    select ward_code, count(*) as records, count_if(is_linked) as linked
    from mart_school_notifications
    group by ward_code
)

select 'police_incidents' as extract, 1 as check_order, 'Ward known' as field, ward_code, records, ward as recorded from incidents
union all select 'police_incidents', 2, 'Victim''s sex recorded', ward_code, records, sex from incidents
union all select 'police_incidents', 3, 'Victim''s age band recorded', ward_code, records, age_band from incidents
union all select 'police_incidents', 4, 'Victim''s ethnic group recorded', ward_code, records, ethnicity from incidents
union all select 'police_incidents', 5, 'DASH risk assessed', ward_code, records, dash from incidents
union all select 'police_incidents', 6, 'Victim''s disability recorded', ward_code, records, disability from incidents
union all select 'police_incidents', 7, 'Whether the victim is LGBT+ recorded', ward_code, records, lgbt from incidents
union all select 'crime_outcomes', 8, 'Ward known', ward_code, records, ward from crimes
union all select 'crime_outcomes', 9, 'Linked to its police incident', ward_code, records, incident from crimes
union all select 'crime_outcomes', 10, 'Victim issue recorded where a case was lost', ward_code, lost, lost_with_issue from crimes where lost > 0
union all select 'marac_cases', 11, 'Ward known', ward_code, records, ward from marac
union all select 'marac_cases', 12, 'Victim''s sex recorded', ward_code, records, sex from marac
union all select 'marac_cases', 13, 'Victim''s age band recorded', ward_code, records, age_band from marac
union all select 'marac_cases', 14, 'Victim''s ethnic group recorded', ward_code, records, ethnicity from marac
union all select 'marac_cases', 15, 'Victim''s disability recorded', ward_code, records, disability from marac
union all select 'marac_cases', 16, 'Whether the victim is LGBT+ recorded', ward_code, records, lgbt from marac
union all select 'service_referrals', 17, 'Ward known', ward_code, records, ward from referrals
union all select 'service_referrals', 18, 'Sex recorded', ward_code, records, sex from referrals
union all select 'service_referrals', 19, 'Age band recorded', ward_code, records, age_band from referrals
union all select 'service_referrals', 20, 'Ethnic group recorded', ward_code, records, ethnicity from referrals
union all select 'service_referrals', 21, 'Referral source recorded', ward_code, records, source from referrals
union all select 'mash_contacts', 22, 'Ward known', ward_code, records, ward from mash
union all select 'mash_contacts', 23, 'Child''s sex recorded', ward_code, records, sex from mash
union all select 'mash_contacts', 24, 'Child''s age band recorded', ward_code, records, age_band from mash
union all select 'mash_contacts', 25, 'Child''s ethnic group recorded', ward_code, records, ethnicity from mash
union all select 'school_notifications', 26, 'Linked to a police incident held', ward_code, records, linked from notifications
