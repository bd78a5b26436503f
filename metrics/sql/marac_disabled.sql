-- Cases where it is recorded whether the victim is disabled, and whether they are.
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when victim_disability = 'yes' then 1 else 0 end as numerator,
    1 as denominator
from mart_marac_cases
where heard_on between $start and $end
  and victim_disability in ('yes', 'no')
