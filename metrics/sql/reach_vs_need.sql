-- Victims supported against the victims the crime survey predicts, by ward and group.
-- Supported (numerator): distinct victims aged 16 or over, or of unknown age, whose support from a
-- specialist service started in the period, placed by their latest start in it.
-- Expected (denominator): victims the survey predicts a year among residents aged 16 and over
-- in the mid-year for the period (mart_population_expected_victims), times the years in the period.
with referrals as (
    select * from mart_service_referrals
),

expected_victims as (
    select * from mart_population_expected_victims
),

population_year as (
    -- as rates do: the latest mid-year held up to the period's end, else the earliest held
    select coalesce(max(year) filter (where year <= year($end) - (month($end) < 6 or (month($end) = 6 and day($end) < 30))::int), min(year)) as year
    from expected_victims
),

expected as (
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
      and age_band not in ('0-4', '5-10', '11-15')
    group by person_id
)

select * from supported_victims
union all
select * from expected
