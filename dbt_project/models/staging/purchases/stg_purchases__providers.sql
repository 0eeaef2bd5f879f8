with latest as (
    {{ latest_version(source('purchases', 'providers'), ['business_id']) }}
)

select
    business_id,
    name,
    sector,
    municipality_code,
    updated_at,
    _delivery_id as delivery_id
from latest
