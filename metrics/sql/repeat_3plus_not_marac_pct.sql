-- One row per victim who reached the escalation trigger in the period: an incident that was their
-- $trigger_incidents-th or later within $trigger_window_days days (settings; 3 in 365 by default). They
-- count as referred when any of their incidents from the window before their first trigger in the
-- period onwards was referred to MARAC, or MARAC heard their case in that time; a referral made after
-- the trigger is the response the board wants.
-- The victim is placed by the incident that first met the trigger.
-- The count indicator (repeat_3plus_not_marac_count) reads this query's numerator.
-- Only incidents from the window before the period's start can count towards a trigger in it, or be a
-- referral that answers one, so earlier history is not read; a later incident counts only as a referral.
with incidents as (
    select
        *,
        count(*) over (
            partition by victim_id order by reported_at
            range between to_days($trigger_window_days::integer) preceding and current row
        ) as n_victim_incidents_in_window
    from mart_incidents
    where reported_at >= cast($start as timestamp) - to_days($trigger_window_days::integer)
      and reported_on <= $end
),

referrals as (
    select victim_id, reported_at from mart_incidents
    where is_referred_to_marac
      and reported_at >= cast($start as timestamp) - to_days($trigger_window_days::integer)
),

marac_cases as (
    select victim_id, heard_on from mart_marac_cases
),

first_triggers as (
    select
        victim_id,
        min(reported_at) as triggered_at,
        arg_min(reported_on, reported_at) as triggered_on,
        arg_min(ward_code, reported_at) as ward_code,
        arg_min(victim_sex, reported_at) as sex,
        arg_min(victim_age_band, reported_at) as age_band,
        arg_min(victim_ethnicity, reported_at) as ethnicity
    from incidents
    where reported_on between $start and $end
      and n_victim_incidents_in_window >= $trigger_incidents::integer
    group by victim_id
),

referred_victims as (
    select first_triggers.victim_id
    from first_triggers
    join referrals on referrals.victim_id = first_triggers.victim_id
    where referrals.reported_at >= first_triggers.triggered_at - to_days($trigger_window_days::integer)
    union
    select first_triggers.victim_id
    from first_triggers
    join marac_cases on marac_cases.victim_id = first_triggers.victim_id
    where marac_cases.heard_on >= cast(first_triggers.triggered_at - to_days($trigger_window_days::integer) as date)
)

select
    first_triggers.triggered_on as period_date,
    first_triggers.ward_code,
    first_triggers.sex,
    first_triggers.age_band,
    first_triggers.ethnicity,
    case when referred_victims.victim_id is null then 1 else 0 end as numerator,
    1 as denominator
from first_triggers
left join referred_victims on referred_victims.victim_id = first_triggers.victim_id
