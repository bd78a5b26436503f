-- MARAC cases; a case is a repeat when the same victim was heard within the 12 months before.
-- depends: stg_marac_cases
-- key: victim_id
with cases as (
    select * from stg_marac_cases
    where not $keyed or victim_id in (select key from _dirty_keys)
)

select
    cases.* exclude (_source_file, _source_line, _run_id),
    cast(date_trunc('month', cases.heard_on) as date) as month_start,
    cast(date_trunc('quarter', cases.heard_on) as date) as quarter_start,
    year(cases.heard_on) as calendar_year,
    case when month(cases.heard_on) >= 4 then year(cases.heard_on) else year(cases.heard_on) - 1 end as financial_year,
    coalesce(
        date_diff('day', lag(cases.heard_on) over (partition by cases.victim_id order by cases.heard_on, cases.case_id), cases.heard_on) <= 365,
        false
    ) as is_repeat
from cases
