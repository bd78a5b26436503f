-- Every ward with its name, centroid, residents and boundary (GeoJSON text), in name order.
select ward_code, ward_name, centroid_lat, centroid_lon, geometry_geojson as geojson, residents
from mart_wards
order by ward_name
