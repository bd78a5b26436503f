-- People reaching each step of the journey from the cohort entry, with median elapsed days from the
-- entry and from the step before. Steps form a tree: a person counts at a step only having reached
-- the step before it, so each step's count is also its link from the step before.
with cohort as {cohort_materialization} (
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

seconds as not materialized (
    {step_seconds}
),

-- One row of totals, a column per step: each branch of the tree is aggregated over the people who
-- reached its first step, as a median costs as much per row it is given as per value it keeps.
-- A branch's later steps come from the same records as its first (one referral, crime or school
-- notification), so everyone past the first step reached it.
totals as (
    select *
    from (
        select {'people': count(*), 'from_entry': case when count(*) > 0 then 0::double end, 'from_previous': null::double}
            as entry  -- everyone is at their entry on day 0
        from seconds
    ) as entered,
    (
        select {'people': count(*), 'from_entry': median(marac / 86400.0), 'from_previous': median(marac / 86400.0)}
            as marac
        from seconds
        where marac is not null
    ) as heard,
    (
        select
            {'people': count(*), 'from_entry': median(referred / 86400.0),
             'from_previous': median(referred / 86400.0)} as referred,
            {'people': count(support_started), 'from_entry': median(support_started / 86400.0),
             'from_previous': median((support_started - referred) / 86400.0)} as support_started,
            {'people': count(support_completed - support_started),
             'from_entry': median(support_completed / 86400.0) filter (where support_started is not null),
             'from_previous': median((support_completed - support_started) / 86400.0)} as support_completed,
            {'people': count(support_disengaged - support_started),
             'from_entry': median(support_disengaged / 86400.0) filter (where support_started is not null),
             'from_previous': median((support_disengaged - support_started) / 86400.0)} as support_disengaged
        from seconds
        where referred is not null
    ) as supported,
    (
        select
            {'people': count(*), 'from_entry': median(crime_recorded / 86400.0),
             'from_previous': median(crime_recorded / 86400.0)} as crime_recorded,
            {'people': count(arrested), 'from_entry': median(arrested / 86400.0),
             'from_previous': median((arrested - crime_recorded) / 86400.0)} as arrested,
            {'people': count(charge_decided), 'from_entry': median(charge_decided / 86400.0),
             'from_previous': median((charge_decided - crime_recorded) / 86400.0)} as charge_decided,
            {'people': count(charged - charge_decided),
             'from_entry': median(charged / 86400.0) filter (where charge_decided is not null),
             'from_previous': median((charged - charge_decided) / 86400.0)} as charged,
            {'people': count(court_outcome - charged),
             'from_entry': median(court_outcome / 86400.0) filter (where charged is not null),
             'from_previous': median((court_outcome - charged) / 86400.0)} as court_outcome,
            {'people': count(convicted - court_outcome),
             'from_entry': median(convicted / 86400.0) filter (where court_outcome is not null),
             'from_previous': median((convicted - court_outcome) / 86400.0)} as convicted
        from seconds
        where crime_recorded is not null
    ) as crimes,
    (
        select {'people': count(*), 'from_entry': median(repeat_incident / 86400.0),
                'from_previous': median(repeat_incident / 86400.0)} as repeat_incident
        from seconds
        where repeat_incident is not null
    ) as repeated,
    (
        select
            {'people': count(*), 'from_entry': median(school_notified / 86400.0),
             'from_previous': median(school_notified / 86400.0)} as school_notified,
            {'people': count(mash_contact), 'from_entry': median(mash_contact / 86400.0),
             'from_previous': median((mash_contact - school_notified) / 86400.0)} as mash_contact,
            {'people': count(mash_decided - mash_contact),
             'from_entry': median(mash_decided / 86400.0) filter (where mash_contact is not null),
             'from_previous': median((mash_decided - mash_contact) / 86400.0)} as mash_decided
        from seconds
        where school_notified is not null
    ) as notified
),

by_step as (
    unpivot totals on columns(*) into name step value total
)

select
    steps.step_order, steps.step, steps.previous_step,
    by_step.total.people as people,
    by_step.total.from_entry as median_days_from_entry,
    by_step.total.from_previous as median_days_from_previous
from steps
join by_step using (step)
order by steps.step_order
