-- Residents aged 16 and over whose sex is known, and whether they are male.
-- Residents in the mid-year for the period: the latest held up to its end, else the earliest.
with population as (
    select * from mart_population
),

population_year as (
    select population_year(year, $end) as year
    from population
)

select
    cast($start as date) as period_date,
    ward_code,
    sex,
    age_band,
    ethnicity,
    case when sex = 'male' then population else 0 end as numerator,
    population as denominator
from population
where year = (select year from population_year)
  and not is_child_band(age_band)
  and sex <> 'unknown'
