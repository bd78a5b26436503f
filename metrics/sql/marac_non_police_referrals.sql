-- Cases heard at MARAC, and whether an agency other than the police referred them.
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when referral_agency <> 'police' then 1 else 0 end as numerator,
    1 as denominator
from mart_marac_cases
where heard_on between $start and $end
