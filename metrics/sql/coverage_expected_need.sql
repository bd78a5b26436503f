-- Victims the crime survey predicts among residents aged 16 and over, by ward and group, for the period:
-- the expected rows of reach_vs_need.sql without the victims supported it counts beside them.
-- Expected victims a year in the mid-year for the period (mart_population_expected_victims), times the years in it.
with expected_victims as (
    select * from mart_population_expected_victims
),

population_year as (
    -- as rates do: the latest mid-year held up to the period's end, else the earliest held
    select coalesce(max(year) filter (where year <= year($end) - (month($end) < 6 or (month($end) = 6 and day($end) < 30))::int), min(year)) as year
    from expected_victims
)

select
    cast($start as date) as period_date,
    ward_code,
    sex,
    age_band,
    ethnicity,
    0 as numerator,
    expected_victims_a_year * $period_years as denominator
from expected_victims
where year = (select year from population_year)
order by ward_code, sex, age_band, ethnicity
