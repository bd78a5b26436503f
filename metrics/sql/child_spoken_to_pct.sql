-- Incidents with children present, and whether the officer recorded speaking to the child.
-- Nothing recorded counts as not spoken to: the record is what the inspectors asked for.
select
    reported_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when coalesce(is_child_spoken_to, false) then 1 else 0 end as numerator,
    1 as denominator
from mart_incidents
where reported_on between $start and $end
  and n_children_present > 0
