-- Victims the crime survey predicts in a year among residents aged 16 and over, by ward,
-- mid-year, sex, age band and ethnic group: residents times the survey's last-year rate for their
-- sex, age band and the ward's IMD quintile. The most specific rate held wins: the band's rate for
-- the ward's quintile, else the band's rate for all areas, else the sex-level rate for the quintile,
-- else the sex-level rate for all areas (a ward without an IMD quintile takes the all-areas rates).
-- Where several sources give a rate for one cell, the most recent survey year wins (latest_survey_rates).
-- depends: stg_prevalence_rates, stg_wards, mart_population
with population as (
    select * from mart_population
),

wards as (
    select ward_code, imd_quintile::varchar as imd_quintile from stg_wards
),

rates as (
    select sex, age_band, quintile, rate from latest_survey_rates(stg_prevalence_rates)
),

placed as (
    select population.*, wards.imd_quintile
    from population
    left join wards on wards.ward_code = population.ward_code
    where not is_child_band(population.age_band)
),

rated as (
    select
        placed.*,
        coalesce(band_quintile.rate, band_rate.rate, sex_quintile.rate, sex_rate.rate, 0) as rate,
        case
            when band_quintile.rate is not null then 'age band and deprivation'
            when band_rate.rate is not null then 'age band'
            when sex_quintile.rate is not null then 'sex and deprivation'
            when sex_rate.rate is not null then 'sex'
            else 'none'
        end as rate_basis
    from placed
    left join rates as band_quintile on band_quintile.sex = placed.sex and band_quintile.age_band = placed.age_band
        and band_quintile.quintile = placed.imd_quintile
    left join rates as band_rate on band_rate.sex = placed.sex and band_rate.age_band = placed.age_band
        and band_rate.quintile = 'all'
    left join rates as sex_quintile on sex_quintile.sex = placed.sex and sex_quintile.age_band = 'all'
        and sex_quintile.quintile = placed.imd_quintile
    left join rates as sex_rate on sex_rate.sex = placed.sex and sex_rate.age_band = 'all' and sex_rate.quintile = 'all'
)

select
    ward_code,
    year,
    sex,
    age_band,
    ethnicity,
    imd_quintile,
    population as residents,
    rate,
    rate_basis,
    population * rate as expected_victims_a_year
from rated
