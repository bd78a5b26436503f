-- Many aggregates at once, from precomputed_totals (metrics/totals.py). Each ask names a query key, the
-- grouping set holding its cuts and filters, and either a window held whole (`window_start`, `window_end`:
-- all its rows, undated ones too) or whole months of the monthly sums (no window; `period_start` to
-- `period_end`). It is summed by its cuts (`first_dim`, `second_dim`): a person column, or the month,
-- quarter or financial year label.
with asks as (
    select
        unnest($ask::integer[]) as ask,
        unnest($query_key::varchar[]) as query_key,
        unnest($grouping_set::varchar[]) as grouping_set,
        unnest($window_start::date[]) as window_start,
        unnest($window_end::date[]) as window_end,
        unnest($period_start::date[]) as period_start,
        unnest($period_end::date[]) as period_end,
        unnest($ward::varchar[]) as ward,
        unnest($sex::varchar[]) as sex,
        unnest($age_band::varchar[]) as age_band,
        unnest($ethnicity::varchar[]) as ethnicity,
        unnest($first_dim::varchar[]) as first_dim,
        unnest($second_dim::varchar[]) as second_dim
)

select
    asks.ask,
    case asks.first_dim
        when 'ward' then totals.ward_code when 'sex' then totals.sex when 'age_band' then totals.age_band
        when 'ethnicity' then totals.ethnicity when 'month' then totals.month when 'quarter' then totals.quarter
        when 'year' then totals.year
    end as first_value,
    case asks.second_dim
        when 'ward' then totals.ward_code when 'sex' then totals.sex when 'age_band' then totals.age_band
        when 'ethnicity' then totals.ethnicity when 'month' then totals.month when 'quarter' then totals.quarter
        when 'year' then totals.year
    end as second_value,
    sum(totals.numerator)::double as numerator,
    sum(totals.denominator)::double as denominator
from asks
join precomputed_totals as totals
    on totals.query_key = asks.query_key
    and totals.grouping_set = asks.grouping_set
    and totals.window_start is not distinct from asks.window_start
    and totals.window_end is not distinct from asks.window_end
where (asks.window_start is not null or totals.period_date between asks.period_start and asks.period_end)
  and (asks.ward is null or totals.ward_code = asks.ward)
  and (asks.sex is null or totals.sex = asks.sex)
  and (asks.age_band is null or totals.age_band = asks.age_band)
  and (asks.ethnicity is null or totals.ethnicity = asks.ethnicity)
group by all
