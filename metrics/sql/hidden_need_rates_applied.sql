-- The survey rate applied to each sex and adult age band of the population, in each IMD quintile the
-- wards carry (`imd_quintile` null: wards with no quintile), and which rate it is: the band's own for the
-- quintile, the band's own for all areas, the sex-level rate for the quintile, or the sex-level rate.
-- The same choice as mart_population_expected_victims makes.
with population as (
    select * from mart_population
),

wards as (
    select ward_code, imd_quintile::varchar as imd_quintile from stg_wards
),

bands as (
    select distinct population.sex, population.age_band, wards.imd_quintile
    from population
    left join wards on wards.ward_code = population.ward_code
    where not is_child_band(population.age_band)
),

rates as (
    -- several sources may give a rate for one cell: the most recent survey year wins
    select sex, age_band, quintile, rate, source, period from latest_survey_rates(stg_prevalence_rates)
)

select
    bands.sex,
    bands.age_band,
    bands.imd_quintile,
    coalesce(band_quintile.rate, band_rate.rate, sex_quintile.rate, sex_rate.rate) as rate,
    case
        when band_quintile.rate is not null then 'age band and deprivation quintile rate'
        when band_rate.rate is not null then 'age band rate'
        when sex_quintile.rate is not null then 'sex-level rate for the deprivation quintile'
        when sex_rate.rate is not null then 'sex-level rate'
        else 'no rate: counted as no expected victims'
    end as basis,
    coalesce(band_quintile.source, band_rate.source, sex_quintile.source, sex_rate.source) as source,
    coalesce(band_quintile.period, band_rate.period, sex_quintile.period, sex_rate.period) as period
from bands
left join rates as band_quintile on band_quintile.sex = bands.sex and band_quintile.age_band = bands.age_band
    and band_quintile.quintile = bands.imd_quintile
left join rates as band_rate on band_rate.sex = bands.sex and band_rate.age_band = bands.age_band and band_rate.quintile = 'all'
left join rates as sex_quintile on sex_quintile.sex = bands.sex and sex_quintile.age_band = 'all'
    and sex_quintile.quintile = bands.imd_quintile
left join rates as sex_rate on sex_rate.sex = bands.sex and sex_rate.age_band = 'all' and sex_rate.quintile = 'all'
order by bands.sex, bands.age_band, bands.imd_quintile nulls last
