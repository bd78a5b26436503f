-- Contacts at the children's front door, with hours to a decision.
-- depends: stg_mash_contacts
-- key: contact_id
with contacts as (
    select * from stg_mash_contacts
    where not $keyed or contact_id in (select key from _dirty_keys)
)

select
    contacts.* exclude (_source_file, _source_line, _run_id),
    cast(date_trunc('month', contacts.received_at) as date) as month_start,
    cast(date_trunc('quarter', contacts.received_at) as date) as quarter_start,
    year(contacts.received_at) as calendar_year,
    case when month(contacts.received_at) >= 4 then year(contacts.received_at)
         else year(contacts.received_at) - 1 end as financial_year,
    date_diff('minute', contacts.received_at, contacts.decided_at) / 60.0 as hours_to_decision,
    contacts.decided_at is not null and contacts.decided_at <= contacts.received_at + interval 24 hours as is_decided_within_24h
from contacts
