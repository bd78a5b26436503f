-- The service register, one row per service.
-- depends: stg_services
select * exclude (_source_file, _source_line, _run_id) from stg_services
