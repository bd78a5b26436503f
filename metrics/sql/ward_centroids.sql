-- Each ward's centroid and residents: to find the service nearest a gap that could extend to it, and to
-- split a scenario's added capacity over the wards it names as the register's is split.
select ward_code, ward_name, centroid_lat, centroid_lon, residents_16_plus, children_0_17
from mart_wards
order by ward_code
