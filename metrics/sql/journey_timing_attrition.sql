-- Crimes with a charge decision in the period, by whether the victim's specialist support had started
-- before the decision, with how many of them had a victim issue; per group when a cut is chosen.
select
    {group_expression} as group_value,
    is_supported_before_decision,
    count(*) as crimes,
    count(*) filter (where has_victim_issue) as victim_issues
from mart_journey_charge_decisions
where charge_decision_on between $start and $end
  and ($ward is null or ward_code = $ward)
  and ($sex is null or sex = $sex)
  and ($age_band is null or age_band = $age_band)
  and ($ethnicity is null or ethnicity = $ethnicity)
group by all
