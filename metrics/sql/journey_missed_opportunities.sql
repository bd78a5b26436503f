-- Two kinds of missed opportunity in the period, per group when a cut is chosen:
-- victims whose incident met the MARAC escalation trigger (a setting: 3 incidents within 365 days by default,
-- bound when the journey mart is built) who reached neither MARAC nor a specialist service
-- from the start of that run of incidents to the end of the data (each victim once, at their first
-- such incident in the period); and high-risk incidents with children present that no school
-- notification followed.
with repeat_entries as (
    select *
    from mart_journey_people
    where cohort = 'incident' and meets_marac_trigger and entry_on between $start and $end
      and ($ward is null or ward_code = $ward)
      and ($sex is null or sex = $sex)
      and ($age_band is null or age_band = $age_band)
      and ($ethnicity is null or ethnicity = $ethnicity)
),

repeat_victims as (
    -- each victim's earliest such entry, by time then id
    select *
    from repeat_entries
    where entry_id in (select arg_min(entry_id, (entry_at, entry_id)) from repeat_entries group by person_id)
),

high_risk_with_children as (
    select *
    from mart_journey_people
    where cohort = 'high_risk' and n_children_present > 0 and entry_on between $start and $end
      and ($ward is null or ward_code = $ward)
      and ($sex is null or sex = $sex)
      and ($age_band is null or age_band = $age_band)
      and ($ethnicity is null or ethnicity = $ethnicity)
)

select 'repeat_without_help' as measure, {group_expression} as group_value,
       count(*) filter (where not has_marac_or_service_in_12m_run) as missed, count(*) as eligible
from repeat_victims
group by all
union all
select 'children_without_school_notice' as measure, {group_expression} as group_value,
       count(*) filter (where seconds_to_school_notice is null) as missed, count(*) as eligible
from high_risk_with_children
group by all
