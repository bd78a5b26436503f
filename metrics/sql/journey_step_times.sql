-- Days from the cohort entry to each journey step, for Kaplan-Meier medians: counts of people per
-- (step, whole day, reached), never a person's row. A person who has not reached a step by the end of
-- their follow-up (the data's end) is censored there, so recent entrants count for as long as they were
-- followed. The steps are defined as in journey_steps.sql.
with cohort as {cohort_materialization} (
    {cohort}
),

seconds as not materialized (
    -- whole seconds from the entry to each step's event (the mart holds them for the events); a
    -- step's seconds less the step before's are the whole seconds between the two
    select
        days_to_follow_up_end as follow_up_days,
        seconds_to_marac as marac,
        seconds_to_referral as referred,
        seconds_to_support_start as support_started,
        case when support_end_reason = 'completed' then coalesce(seconds_to_support_end, seconds_to_support_start) end
            as support_completed,
        case when support_end_reason = 'disengaged' then coalesce(seconds_to_support_end, seconds_to_support_start) end
            as support_disengaged,
        seconds_to_crime as crime_recorded,
        seconds_to_arrest as arrested,
        case when charge_decision in ('charged', 'no_further_action', 'out_of_court') then seconds_to_charge_decision end
            as charge_decided,
        case when charge_decision = 'charged' then seconds_to_charge_decision end as charged,
        case when charge_decision = 'charged' and court_outcome in ('convicted', 'acquitted', 'discontinued', 'dismissed')
            then seconds_to_court_outcome end as court_outcome,
        case when charge_decision = 'charged' and court_outcome = 'convicted' then seconds_to_court_outcome end
            as convicted,
        seconds_to_repeat_incident as repeat_incident,
        seconds_to_school_notice as school_notified,
        seconds_to_mash_contact as mash_contact,
        case when mash_decision is not null and mash_decision <> 'pending' then seconds_to_mash_decision end
            as mash_decided
    from cohort
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
