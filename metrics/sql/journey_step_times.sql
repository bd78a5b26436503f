-- Days from the cohort entry to each journey step, for Kaplan-Meier medians: counts of people per
-- (step, whole day, reached), never a person's row. A person who has not reached a step by the end of
-- their follow-up (the data's end) is censored there, so recent entrants count for as long as they were
-- followed. The steps are those of journey_steps.sql, reached as _journey_step_seconds.sql says.
with cohort as {cohort_materialization} (
    {cohort}
),

seconds as not materialized (
    {step_seconds}
),

times as (
    select *
    from seconds unpivot include nulls (seconds_to_step for step in (
        marac, referred, support_started, support_completed, support_disengaged, crime_recorded, arrested,
        charge_decided, charged, court_outcome, convicted, repeat_incident, school_notified, mash_contact, mash_decided))
),

outcomes as (
    select
        step,
        coalesce(seconds_to_step / 86400.0 <= follow_up_days, false) as is_event,
        case when seconds_to_step / 86400.0 <= follow_up_days then floor(seconds_to_step / 86400.0)
             else follow_up_days end as days
    from times
)

select step, greatest(days, 0)::integer as days, is_event, count(*) as people
from outcomes
group by all
order by step, days, is_event
