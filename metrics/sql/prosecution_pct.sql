-- Crimes recorded in the period, and whether a suspect was charged after a CPS referral.
select
    recorded_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when is_cps_referred and is_charged then 1 else 0 end as numerator,
    1 as denominator
from mart_crimes
where recorded_on between $start and $end
