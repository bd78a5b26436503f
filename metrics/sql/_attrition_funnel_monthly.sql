-- The stage columns of `records` (metrics/sql/_attrition_funnel.sql over all time) summed by month and
-- person group: the rows of precomputed_attrition_stages. Ordered by month, so a period's read skips
-- the row groups of the months outside it.
select
    month_start,
    ward_code,
    sex,
    age_band,
    ethnicity,
    sum(incidents)::bigint as incidents,
    sum(incidents_recorded_as_crime)::bigint as incidents_recorded_as_crime,
    sum(crimes)::bigint as crimes,
    sum(arrested)::bigint as arrested,
    sum(referred)::bigint as referred,
    sum(arrested_and_referred)::bigint as arrested_and_referred,
    sum(referred_and_decided)::bigint as referred_and_decided,
    sum(awaiting_charge_decision)::bigint as awaiting_charge_decision,
    sum(charged)::bigint as charged,
    sum(awaiting_court_outcome)::bigint as awaiting_court_outcome,
    sum(prosecution_completed)::bigint as prosecution_completed,
    sum(convicted)::bigint as convicted
from records
group by month_start, ward_code, sex, age_band, ethnicity
order by month_start, ward_code, sex, age_band, ethnicity
