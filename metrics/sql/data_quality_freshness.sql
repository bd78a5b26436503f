-- How fresh each source is: when a file of it last loaded and the latest event it holds.
select
    extract,
    last_loaded_at,
    files_loaded,
    latest_event_at,
    rows_held
from mart_freshness
order by extract
