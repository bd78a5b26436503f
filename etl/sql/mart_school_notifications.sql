-- Operation Encompass: each notification against the incident, and whether it beat the deadline.
-- The deadline is the start of the next school day after the incident was reported (9am on the
-- next weekday); school holidays are not known here, so weekdays stand in for school days.
-- depends: stg_police_incidents, stg_school_notifications
-- key: notification_id
with notifications as (
    select * from stg_school_notifications
    where not $keyed or notification_id in (select key from _dirty_keys)
),

incidents as (
    select incident_id, reported_at, ward_code, victim_sex, victim_age_band, victim_ethnicity from stg_police_incidents
),

joined as (
    select
        notifications.*,
        incidents.reported_at,
        incidents.ward_code,
        incidents.incident_id is not null as is_linked,
        cast(incidents.reported_at as date) + case isodow(incidents.reported_at)
            when 5 then 3 when 6 then 2 else 1 end as next_school_day
    from notifications
    left join incidents on incidents.incident_id = notifications.incident_id
)

select
    joined.* exclude (_source_file, _source_line, _run_id),
    cast(date_trunc('month', joined.reported_at) as date) as month_start,
    cast(date_trunc('quarter', joined.reported_at) as date) as quarter_start,
    year(joined.reported_at) as calendar_year,
    case when month(joined.reported_at) >= 4 then year(joined.reported_at)
         else year(joined.reported_at) - 1 end as financial_year,
    joined.next_school_day + interval 9 hours as deadline_at,
    joined.notified_at <= joined.next_school_day + interval 9 hours as is_before_next_school_day,
    date_diff('minute', joined.reported_at, joined.notified_at) / 60.0 as hours_to_notification
from joined
