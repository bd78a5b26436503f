-- Domestic abuse contacts received at the children's front door in the period, and whether a
-- decision was made within 24 hours. A contact still undecided is late once 24 hours have passed;
-- one received in the last 24 hours of the data may yet be decided in time, so it is left out.
with contacts as (
    select * from mart_mash_contacts
),

data_held_to as (
    select max(received_at) as latest_received_at from contacts
)

select
    cast(contacts.received_at as date) as period_date,
    contacts.ward_code,
    contacts.child_sex as sex,
    contacts.child_age_band as age_band,
    contacts.child_ethnicity as ethnicity,
    case when contacts.is_decided_within_24h and coalesce(contacts.decision, 'pending') <> 'pending' then 1 else 0 end
        as numerator,
    1 as denominator
from contacts
cross join data_held_to
where contacts.is_domestic_abuse
  and cast(contacts.received_at as date) between $start and $end
  and not (
      (contacts.decided_at is null or coalesce(contacts.decision, 'pending') = 'pending')
      and contacts.received_at > data_held_to.latest_received_at - interval 24 hours
  )
