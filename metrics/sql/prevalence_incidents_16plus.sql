-- Incidents whose victim is 16 or over (unknown ages count: most DA victims are adults).
select
    reported_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    1 as numerator,
    0 as denominator
from mart_incidents
where reported_on between $start and $end
  and not is_child_band(victim_age_band)
