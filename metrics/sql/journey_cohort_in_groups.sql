-- One row per person: their first entry to the cohort in the period among the entries in the chosen
-- ward and groups (a person's entry before may have been in another ward, so it is found here:
-- the entry with the earliest time, then id, of each person's entries in the selection).
-- Read only inside the journey queries, which aggregate it; person rows are never returned.
-- Each is followed up from their entry to the end of the data (mart_follow_up_end), in whole days.
with in_groups as (
    select *
    from mart_journey_people
    where cohort = $cohort
      and entry_on between $start and $end
      and ($ward is null or ward_code = $ward)
      and ($sex is null or sex = $sex)
      and ($age_band is null or age_band = $age_band)
      and ($ethnicity is null or ethnicity = $ethnicity)
)

select in_groups.*, mart_follow_up_end.follow_up_end_at,
       date_diff('day', in_groups.entry_at, mart_follow_up_end.follow_up_end_at) as days_to_follow_up_end
from in_groups
cross join mart_follow_up_end
where entry_id in (select arg_min(entry_id, (entry_at, entry_id)) from in_groups group by person_id)
