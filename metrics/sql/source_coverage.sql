-- Each event source's first and last event day, and the longest gap between its event days near
-- each end (the 92 days after the first, the 92 days before the last): how far from a month's edge
-- the data may stop and still cover the month, for this source's usual pace.
-- `event_days` (source, day) is put in front by metrics/completeness.py from the sources' tables.
gaps as (
    select
        source,
        day,
        day - lag(day) over (partition by source order by day) as gap_before,
        min(day) over (partition by source) as first_day,
        max(day) over (partition by source) as last_day
    from event_days
    where day is not null
)

select
    source,
    min(first_day) as first_day,
    max(last_day) as last_day,
    coalesce(max(gap_before) filter (where day > last_day - 92), 1) as gap_days_at_end,
    coalesce(max(gap_before) filter (where day <= first_day + 92 and day > first_day), 1) as gap_days_at_start
from gaps
group by source
order by source
