-- Operation Encompass notifications for incidents reported in the period, and whether each reached
-- the school before the next school day began (the mart's deadline: 9am on the next weekday).
-- The child's own group is not in the extract, so only the incident's ward cuts these.
select
    cast(reported_at as date) as period_date,
    ward_code,
    cast(null as varchar) as sex,
    cast(null as varchar) as age_band,
    cast(null as varchar) as ethnicity,
    case when is_before_next_school_day then 1 else 0 end as numerator,
    1 as denominator
from mart_school_notifications
where cast(reported_at as date) between $start and $end
