-- Per value of the cut $by (with none, the whole selection under a null value) and step with a case:
-- its cases and the median and 90th percentile of their days, for the selection (the group filters).
-- `records` holds the cases of metrics/sql/_attrition_days.sql by ward, sex, age band, ethnic group,
-- step and day: a row per crime and step, or their counts by month.
with cases_by_day as (
    select
        case $by
            when 'ward' then ward_code
            when 'sex' then sex
            when 'age_band' then age_band
            when 'ethnicity' then ethnicity
        end as cut_value,
        step,
        days,
        sum(cases) as cases
    from records
    where ($ward is null or ward_code = $ward) and ($sex is null or sex = $sex)
        and ($age_band is null or age_band = $age_band) and ($ethnicity is null or ethnicity = $ethnicity)
    group by cut_value, step, days
),

ranked as (
    select
        cut_value,
        step,
        days,
        sum(cases) over (partition by cut_value, step order by days) as cases_to_day,
        sum(cases) over (partition by cut_value, step) as cases
    from cases_by_day
),

-- A percentile q sits at (cases - 1) * q in the step's days sorted (0 the first): between the days
-- below and above it. Interpolating linearly between them is a spreadsheet's PERCENTILE.INC; the
-- arithmetic, in doubles and in this order, is Polars' quantile(q, "linear"), so a figure does not
-- move by a rounding error whichever computes it.
percentile_bounds as (
    select
        cut_value,
        step,
        cases,
        (cases - 1)::double * 0.5::double as median_at,
        (cases - 1)::double * 0.9::double as p90_at,
        min(days) filter (where cases_to_day > floor(median_at))::double as median_below,
        min(days) filter (where cases_to_day > ceil(median_at))::double as median_above,
        min(days) filter (where cases_to_day > floor(p90_at))::double as p90_below,
        min(days) filter (where cases_to_day > ceil(p90_at))::double as p90_above
    from ranked
    group by cut_value, step, cases
)

select
    cut_value,
    step,
    cases::bigint as cases,
    median_below + (median_above - median_below) * (median_at - floor(median_at)) as median_days,
    p90_below + (p90_above - p90_below) * (p90_at - floor(p90_at)) as p90_days
from percentile_bounds
