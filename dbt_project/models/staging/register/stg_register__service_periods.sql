{{ config(unique_key=['service_period_id']) }}

with latest as (
    {{ latest_version(source('register', 'service_periods')) }}
)

select
    service_period_id,
    person_key,
    service_code,
    provider_business_id,
    contract_id,
    operating_model,
    municipality_code,
    start_date,
    end_date,
    end_reason,
    updated_at,
    _delivery_id as delivery_id
from latest
