-- How fresh each source is: when a file of it last loaded and the latest event it holds.
-- depends: stg_crime_outcomes, stg_marac_cases, stg_mash_contacts, stg_police_incidents, stg_school_notifications, stg_service_referrals, loaded_files
with loads as (
    select extract, max(loaded_at) as last_loaded_at, count(*) as files_loaded
    from loaded_files
    group by extract
),

latest_events as (
    select 'police_incidents' as extract, max(reported_at) as latest_event_at, count(*) as rows_held from stg_police_incidents
    union all select 'crime_outcomes', max(recorded_at), count(*) from stg_crime_outcomes
    union all select 'marac_cases', cast(max(heard_on) as timestamp), count(*) from stg_marac_cases
    union all select 'service_referrals', max(referred_at), count(*) from stg_service_referrals
    union all select 'mash_contacts', max(received_at), count(*) from stg_mash_contacts
    union all select 'school_notifications', max(notified_at), count(*) from stg_school_notifications
)

select
    coalesce(latest_events.extract, loads.extract) as extract,
    loads.last_loaded_at,
    loads.files_loaded,
    latest_events.latest_event_at,
    latest_events.rows_held
from latest_events
full join loads on loads.extract = latest_events.extract
order by extract
