-- One row per person: their first entry to the cohort in the period, with no group chosen.
-- An entry is a person's first in the period when their entry before it (`previous_entry_on`, in
-- the order of entry time and id) came before the period, so no window over people is needed.
-- Read only inside the journey queries, which aggregate it; person rows are never returned.
-- Each is followed up from their entry to the end of the data (mart_follow_up_end), in whole days.
select mart_journey_people.*, mart_follow_up_end.follow_up_end_at,
       date_diff('day', mart_journey_people.entry_at, mart_follow_up_end.follow_up_end_at) as days_to_follow_up_end
from mart_journey_people
cross join mart_follow_up_end
where cohort = $cohort
  and entry_on between $start and $end
  and (previous_entry_on is null or previous_entry_on < $start)
