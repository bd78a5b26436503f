-- The cases of `records` (metrics/sql/_attrition_days.sql over all time) counted by month, person group,
-- step and day: the rows of precomputed_attrition_step_days. Ordered by month, so a period's read skips
-- the row groups of the months outside it.
select
    month_start,
    ward_code,
    sex,
    age_band,
    ethnicity,
    step,
    days,
    sum(cases)::bigint as cases
from records
group by month_start, ward_code, sex, age_band, ethnicity, step, days
order by month_start, step, ward_code, sex, age_band, ethnicity, days
