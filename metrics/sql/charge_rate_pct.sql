-- Charging decisions made in the period on crimes referred to the CPS, and whether each was a charge.
-- Dated by the decision, as the CPS reports them; a pending decision is not yet a decision.
select
    cast(charge_decision_at as date) as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when is_charged then 1 else 0 end as numerator,
    1 as denominator
from mart_crimes
where is_cps_referred
  and is_charge_decided
  and cast(charge_decision_at as date) between $start and $end
