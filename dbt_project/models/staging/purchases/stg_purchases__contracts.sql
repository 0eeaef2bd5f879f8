{{ config(unique_key=['contract_id']) }}

with latest as (
    {{ latest_version(source('purchases', 'contracts')) }}
)

select
    contract_id,
    business_id,
    cast(employment_area_code as integer) as employment_area_code,
    service_code,
    operating_model,
    procurement_route,
    pricing_model,
    unit_price_eur,
    valid_from,
    valid_to,
    updated_at,
    _delivery_id as delivery_id
from latest
