-- The survey rate applied to each sex and adult age band of the population, and whether it is
-- the band's own rate or the sex-level rate standing in for it.
with population as (
    select * from mart_population
),

survey_rates as (
    select * from stg_prevalence_rates
),

bands as (
    select distinct sex, age_band
    from population
    where not is_child_band(age_band)
),

ranked_rates as (
    -- several sources may give a rate for one sex and band: the most recent survey year wins
    select
        *,
        row_number() over (
            partition by sex, age_band
            order by try_cast(regexp_extract(period, '\d{4}') as integer) desc nulls last, period desc, source
        ) as recency
    from survey_rates
),

rates as (
    select sex, age_band, rate, source, period from ranked_rates where recency = 1
)

select
    bands.sex,
    bands.age_band,
    coalesce(band_rate.rate, sex_rate.rate) as rate,
    case
        when band_rate.rate is not null then 'age band rate'
        when sex_rate.rate is not null then 'sex-level rate'
        else 'no rate: counted as no expected victims'
    end as basis,
    coalesce(band_rate.source, sex_rate.source) as source,
    coalesce(band_rate.period, sex_rate.period) as period
from bands
left join rates as band_rate on band_rate.sex = bands.sex and band_rate.age_band = bands.age_band
left join rates as sex_rate on sex_rate.sex = bands.sex and sex_rate.age_band = 'all'
order by bands.sex, bands.age_band
