-- Every ward of the district, for tables that keep a row per ward even where nothing happened.
select ward_code, ward_name from mart_wards order by ward_code
