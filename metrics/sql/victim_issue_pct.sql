-- Unsuccessful prosecutions completed in the period (acquitted, discontinued or dismissed), and
-- whether a victim issue (retraction, non-attendance, evidence does not support) lay behind each.
select
    cast(court_outcome_at as date) as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when has_victim_issue then 1 else 0 end as numerator,
    1 as denominator
from mart_crimes
where is_unsuccessful_prosecution
  and cast(court_outcome_at as date) between $start and $end
