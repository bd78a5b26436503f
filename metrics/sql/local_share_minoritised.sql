-- Residents aged 16 and over whose ethnic group is known, and whether it is Asian, Black, mixed or other.
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
    case when ethnicity in ('asian', 'black', 'mixed', 'other') then population else 0 end as numerator,
    population as denominator
from population
where year = (select year from population_year)
  and not is_child_band(age_band)
  and ethnicity <> 'all'
