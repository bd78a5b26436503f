-- The contacts that changed: a contact's row reads nothing else.
select contact_id as key from _changed_stg_mash_contacts
