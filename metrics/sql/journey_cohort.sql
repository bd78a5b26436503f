-- One row per person: their first entry to the cohort in the period, in the chosen ward and groups.
-- Read only inside the journey queries, which aggregate it; person rows are never returned.
select *
from mart_journey_people
where cohort = $cohort
  and entry_on between $start and $end
  and ($ward is null or ward_code = $ward)
  and ($sex is null or sex = $sex)
  and ($age_band is null or age_band = $age_band)
  and ($ethnicity is null or ethnicity = $ethnicity)
qualify row_number() over (partition by person_id order by entry_at, entry_id) = 1
