-- Victims the crime survey predicts in a year among residents aged 16 and over, by ward,
-- mid-year, sex, age band and ethnic group: residents times the survey's last-year rate for
-- their sex and age band, or the sex-level rate where no band rate is held. Where several
-- sources give a rate for one sex and band, the most recent survey year wins.
-- depends: stg_prevalence_rates, mart_population
with population as (
    select * from mart_population
),

survey_rates as (
    select * from stg_prevalence_rates
),

ranked_rates as (
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
)

select
    population.ward_code,
    population.year,
    population.sex,
    population.age_band,
    population.ethnicity,
    population.population as residents,
    coalesce(band_rate.rate, sex_rate.rate, 0) as rate,
    population.population * coalesce(band_rate.rate, sex_rate.rate, 0) as expected_victims_a_year
from population
left join rates as band_rate on band_rate.sex = population.sex and band_rate.age_band = population.age_band
left join rates as sex_rate on sex_rate.sex = population.sex and sex_rate.age_band = 'all'
where not is_child_band(population.age_band)
