-- Days from entry to the first specialist support start, and to the first repeat incident, as counts
-- of people per (group, whole day, outcome): enough for Kaplan-Meier curves, never a person's row.
-- Follow-up stops at the data's end and at 365 days, whichever comes first; a person whose event has
-- not happened by then is censored at that day.
with cohort as (
    {cohort}
),

timed as (
    select
        {group_expression} as group_value,
        least(365, date_diff('day', entry_at, follow_up_end_at)) as follow_up_days,
        date_diff('day', entry_at, support_started_at) as days_to_support,
        date_diff('day', entry_at, repeat_incident_at) as days_to_repeat
    from cohort
),

outcomes as (
    select group_value, 'support' as measure,
           coalesce(days_to_support <= follow_up_days, false) as is_event,
           case when days_to_support <= follow_up_days then days_to_support else follow_up_days end as days
    from timed
    union all
    select group_value, 'repeat' as measure,
           coalesce(days_to_repeat <= follow_up_days, false) as is_event,
           case when days_to_repeat <= follow_up_days then days_to_repeat else follow_up_days end as days
    from timed
)

select measure, group_value, greatest(days, 0) as days, is_event, count(*) as people
from outcomes
group by all
order by measure, group_value, days
