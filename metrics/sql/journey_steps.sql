-- People reaching each step of the journey from the cohort entry, with median elapsed days from the
-- entry and from the step before. Steps form a tree: a person counts at a step only having reached
-- the step before it, so each step's count is also its link from the step before.
with cohort as (
    {cohort}
),

steps (step_order, step, previous_step) as (
    values
        (1, 'entry', null),
        (2, 'marac', 'entry'),
        (3, 'referred', 'entry'),
        (4, 'support_started', 'referred'),
        (5, 'support_completed', 'support_started'),
        (6, 'support_disengaged', 'support_started'),
        (7, 'crime_recorded', 'entry'),
        (8, 'arrested', 'crime_recorded'),
        (9, 'charge_decided', 'crime_recorded'),
        (10, 'charged', 'charge_decided'),
        (11, 'court_outcome', 'charged'),
        (12, 'convicted', 'court_outcome'),
        (13, 'repeat_incident', 'entry'),
        (14, 'school_notified', 'entry'),
        (15, 'mash_contact', 'school_notified'),
        (16, 'mash_decided', 'mash_contact')
),

events as (
    select
        person_id,
        entry_at as entry,
        marac_heard_on::timestamp as marac,
        referred_at as referred,
        support_started_at as support_started,
        case when support_end_reason = 'completed' then coalesce(support_ended_at, support_started_at) end
            as support_completed,
        case when support_end_reason = 'disengaged' then coalesce(support_ended_at, support_started_at) end
            as support_disengaged,
        crime_recorded_at as crime_recorded,
        arrested_at as arrested,
        case when charge_decision in ('charged', 'no_further_action', 'out_of_court') then charge_decision_at end
            as charge_decided,
        case when charge_decision = 'charged' then charge_decision_at end as charged,
        case when charge_decision = 'charged' and court_outcome in ('convicted', 'acquitted', 'discontinued', 'dismissed')
            then court_outcome_at end as court_outcome,
        case when charge_decision = 'charged' and court_outcome = 'convicted' then court_outcome_at end as convicted,
        repeat_incident_at as repeat_incident,
        school_notified_at as school_notified,
        mash_contact_at as mash_contact,
        case when mash_decision is not null and mash_decision <> 'pending' then mash_decided_at end as mash_decided
    from cohort
),

reached as (
    unpivot events on columns(* exclude (person_id)) into name step value event_at
),

entries as (
    select person_id, event_at as entry_at from reached where step = 'entry'
),

joined as (
    select steps.step_order, steps.step, steps.previous_step,
           date_diff('second', entries.entry_at, reached.event_at) / 86400.0 as days_from_entry,
           date_diff('second', previous.event_at, reached.event_at) / 86400.0 as days_from_previous
    from steps
    join reached on reached.step = steps.step
    join entries on entries.person_id = reached.person_id
    left join reached as previous on previous.person_id = reached.person_id and previous.step = steps.previous_step
    where steps.previous_step is null or previous.person_id is not null
)

select
    steps.step_order, steps.step, steps.previous_step,
    count(joined.step) as people,
    median(joined.days_from_entry) as median_days_from_entry,
    median(joined.days_from_previous) as median_days_from_previous
from steps
left join joined on joined.step = steps.step
group by all
order by steps.step_order
