-- Each stage's count for the selection (the group filters) and, when $by names a person column, for
-- each of its values. `records` holds the stage columns of metrics/sql/_attrition_funnel.sql by ward,
-- sex, age band and ethnic group: a row per incident and crime, or their sums by month.
select
    grouping(cut_value) = 1 as is_total,
    cut_value,
    coalesce(sum(incidents), 0)::bigint as incidents,
    coalesce(sum(incidents_recorded_as_crime), 0)::bigint as incidents_recorded_as_crime,
    coalesce(sum(crimes), 0)::bigint as crimes,
    coalesce(sum(arrested), 0)::bigint as arrested,
    coalesce(sum(referred), 0)::bigint as referred,
    coalesce(sum(arrested_and_referred), 0)::bigint as arrested_and_referred,
    coalesce(sum(referred_and_decided), 0)::bigint as referred_and_decided,
    coalesce(sum(awaiting_charge_decision), 0)::bigint as awaiting_charge_decision,
    coalesce(sum(charged), 0)::bigint as charged,
    coalesce(sum(awaiting_court_outcome), 0)::bigint as awaiting_court_outcome,
    coalesce(sum(prosecution_completed), 0)::bigint as prosecution_completed,
    coalesce(sum(convicted), 0)::bigint as convicted
from (
    select
        case $by
            when 'ward' then ward_code
            when 'sex' then sex
            when 'age_band' then age_band
            when 'ethnicity' then ethnicity
        end as cut_value,
        *
    from records
    where ($ward is null or ward_code = $ward) and ($sex is null or sex = $sex)
        and ($age_band is null or age_band = $age_band) and ($ethnicity is null or ethnicity = $ethnicity)
)
group by grouping sets ((), (cut_value))
-- a row without the cut's value counts in the total only; with no cut, that is every row
having grouping(cut_value) = 1 or cut_value is not null
