-- Whole seconds from each person's cohort entry to each journey step's event (the mart holds them for
-- the events), and the days they were followed up; a step's seconds less the step before's are the
-- whole seconds between the two. What counts as reaching each step is decided here, once: journey_sql
-- (metrics/journeys/common.py) puts it in journey_steps.sql and journey_step_times.sql as their `seconds`.
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
