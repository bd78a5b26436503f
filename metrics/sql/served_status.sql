-- The served version at a glance: when its refresh finished, how many wards it maps and the span of its incidents.
select
    (select max(finished_at) from etl_runs) as refreshed_at,
    (select count(*) from mart_wards) as wards,
    min(reported_on) as earliest_incident_on,
    max(reported_on) as latest_incident_on
from mart_incidents
