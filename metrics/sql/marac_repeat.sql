-- Cases heard at MARAC, and whether each was a repeat (same victim heard in the 12 months before).
select
    heard_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when is_repeat then 1 else 0 end as numerator,
    1 as denominator
from mart_marac_cases
where heard_on between $start and $end
