-- Children present at incidents (child demographics are not in the police extract).
select
    reported_on as period_date,
    ward_code,
    cast(null as varchar) as sex,
    cast(null as varchar) as age_band,
    cast(null as varchar) as ethnicity,
    n_children_present as numerator,
    0 as denominator
from mart_incidents
where reported_on between $start and $end
