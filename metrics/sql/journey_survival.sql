-- Days from entry to the first specialist support start (`$measure` 'support') or to the first repeat
-- incident ('repeat'), as counts of people per (group, whole day, outcome): enough for Kaplan-Meier
-- curves, never a person's row. Follow-up stops at the data's end and at 365 days, whichever comes
-- first; a person whose event has not happened by then is censored at that day.
with cohort as (
    {cohort}
),

timed as (
    select
        {group_expression} as group_value,
        least(365, days_to_follow_up_end) as follow_up_days,
        case $measure when 'support' then days_to_support_start
                      when 'repeat' then days_to_repeat_incident end as days_to_event
    from cohort
),

outcomes as (
    select group_value,
           coalesce(days_to_event <= follow_up_days, false) as is_event,
           case when days_to_event <= follow_up_days then days_to_event else follow_up_days end as days
    from timed
)

select group_value, greatest(days, 0) as days, is_event, count(*) as people
from outcomes
group by all
order by group_value, days, is_event
