-- Cases whose victim's ethnic group is recorded, and whether it is Asian, Black, mixed or other.
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when victim_ethnicity in ('asian', 'black', 'mixed', 'other') then 1 else 0 end as numerator,
    1 as denominator
from mart_marac_cases
where heard_on between $start and $end
  and victim_ethnicity <> 'unknown'
