-- Cases whose victim's age band is recorded, and whether the victim is aged 16 or 17.
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when victim_age_band = '16-17' then 1 else 0 end as numerator,
    1 as denominator
from mart_marac_cases
where heard_on between $start and $end
  and victim_age_band <> 'unknown'
