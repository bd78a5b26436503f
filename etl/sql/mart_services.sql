-- The service register, one row per service.
select * exclude (_source_file, _source_line, _run_id) from stg_services
