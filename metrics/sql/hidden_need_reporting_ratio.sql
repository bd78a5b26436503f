-- Known victims against the victims the crime survey predicts, by ward and group.
-- Known (numerator): distinct victims aged 16 or over, or of unknown age, with a police incident
-- in the period, placed by their latest incident in it.
-- Expected (denominator): victims the survey predicts a year among residents aged 16 and over
-- in the mid-year for the period (mart_population_expected_victims), times the years in the period:
-- the rule `expected_victims_in` (etl/sql/rules_on_marts.sql).
with incidents as (
    select * from mart_incidents
),

expected as (
    select * from expected_victims_in($start, $end, $period_years)
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
      and not is_child_band(victim_age_band)
    group by victim_id
)

select * from known_victims
union all
select * from expected
