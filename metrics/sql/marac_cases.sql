-- Cases heard at MARAC in the period, by the victim's ward and group.
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    1 as numerator,
    0 as denominator
from mart_marac_cases
where heard_on between $start and $end
