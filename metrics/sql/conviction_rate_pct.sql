-- Prosecutions completed in the period (a court outcome other than pending), and whether each convicted.
-- Dated by the court outcome, as the CPS reports completed prosecutions.
select
    cast(court_outcome_at as date) as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when is_convicted then 1 else 0 end as numerator,
    1 as denominator
from mart_crimes
where is_prosecution_completed
  and cast(court_outcome_at as date) between $start and $end
