-- Victims supported against the victims the crime survey predicts, by ward and group.
-- Supported (numerator): distinct victims aged 16 or over, or of unknown age, whose support from a
-- specialist service started in the period, placed by their latest start in it.
-- Expected (denominator): victims the survey predicts a year among residents aged 16 and over
-- in the mid-year for the period (mart_population_expected_victims), times the years in the period:
-- the rule `expected_victims_in` (etl/sql/rules_on_marts.sql).
with referrals as (
    select * from mart_service_referrals
),

expected as (
    select * from expected_victims_in($start, $end, $period_years)
),

supported_victims as (
    select
        max(cast(started_at as date)) as period_date,
        arg_max(ward_code, started_at) as ward_code,
        arg_max(sex, started_at) as sex,
        arg_max(age_band, started_at) as age_band,
        arg_max(ethnicity, started_at) as ethnicity,
        1 as numerator,
        0 as denominator
    from referrals
    where cast(started_at as date) between $start and $end
      and person_role = 'victim'
      and not is_child_band(age_band)
    group by person_id
)

select * from supported_victims
union all
select * from expected
