-- Victims the crime survey predicts among residents aged 16 and over, by ward and group, for the period:
-- the expected rows of reach_vs_need.sql without the victims supported it counts beside them.
-- Expected victims a year in the mid-year for the period (mart_population_expected_victims), times the
-- years in it: the rule `expected_victims_in` (etl/sql/rules_on_marts.sql).
select *
from expected_victims_in($start, $end, $period_years)
order by ward_code, sex, age_band, ethnicity
