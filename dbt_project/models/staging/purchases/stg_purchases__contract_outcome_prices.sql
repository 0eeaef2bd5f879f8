{{ config(unique_key=['contract_id', 'outcome_type']) }}

with latest as (
    {{ latest_version(source('purchases', 'contract_outcome_prices')) }}
)

select
    contract_id,
    outcome_type,
    bonus_eur,
    updated_at,
    _delivery_id as delivery_id
from latest
