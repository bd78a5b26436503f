-- Known victims against the victims the crime survey predicts, by ward and group.
-- Known (numerator): distinct victims aged 16 or over, or of unknown age, with a police incident
-- in the period, placed by their latest incident in it.
-- Expected (denominator): victims the survey predicts a year among residents aged 16 and over
-- in the mid-year for the period (mart_population_expected_victims), times the years in the period.
with incidents as (
    select * from mart_incidents
),

expected_victims as (
    select * from mart_population_expected_victims
),

population_year as (
    -- as rates do: the mid-year (30 June) within the period, or the latest held before it, else the earliest
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

known_victims as (
    select
        max(reported_on) as period_date,
        arg_max(ward_code, reported_at) as ward_code,
        arg_max(victim_sex, reported_at) as sex,
        arg_max(victim_age_band, reported_at) as age_band,
        arg_max(victim_ethnicity, reported_at) as ethnicity,
        1 as numerator,
        0 as denominator
    from incidents
    where reported_on between $start and $end
      and victim_age_band not in ('0-4', '5-10', '11-15')
    group by victim_id
)

select * from known_victims
union all
select * from expected
