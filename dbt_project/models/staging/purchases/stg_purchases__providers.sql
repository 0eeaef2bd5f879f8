{{ config(unique_key=['business_id']) }}

with latest as (
    {{ latest_version(source('purchases', 'providers')) }}
)

select
    business_id,
    name,
    sector,
    municipality_code,
    updated_at,
    _delivery_id as delivery_id
from latest
