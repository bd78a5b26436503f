-- Victims supported against the victims the crime survey predicts, by ward and group.
-- Supported (numerator): distinct victims aged 16 or over, or of unknown age, whose support from a
-- specialist service started in the period, placed by their latest start in it.
-- Expected (denominator): residents aged 16 and over in the mid-year for the period, times the
-- survey's last-year rate for their sex and age band (the sex-level rate where no band rate is
-- held), times the years in the period.
with referrals as (
    select * from mart_service_referrals
),

population as (
    select * from mart_population
),

survey_rates as (
    select * from stg_prevalence_rates
),

population_year as (
    -- as rates do: the latest mid-year held up to the period's end, else the earliest held
    select coalesce(max(year) filter (where year <= year($end)), min(year)) as year
    from population
),

adults as (
    select population.*
    from population
    where population.year = (select year from population_year)
      and population.age_band not in ('0-4', '5-10', '11-15')
),

ranked_rates as (
    -- several sources may give a rate for one sex and band: the most recent survey year wins
    select
        sex,
        age_band,
        rate,
        row_number() over (
            partition by sex, age_band
            order by try_cast(regexp_extract(period, '\d{4}') as integer) desc nulls last, period desc, source
        ) as recency
    from survey_rates
),

rates as (
    select sex, age_band, rate from ranked_rates where recency = 1
),

expected as (
    select
        cast($start as date) as period_date,
        adults.ward_code,
        adults.sex,
        adults.age_band,
        adults.ethnicity,
        0 as numerator,
        adults.population * coalesce(band_rate.rate, sex_rate.rate, 0) * $period_years as denominator
    from adults
    left join rates as band_rate on band_rate.sex = adults.sex and band_rate.age_band = adults.age_band
    left join rates as sex_rate on sex_rate.sex = adults.sex and sex_rate.age_band = 'all'
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
