with latest as (
    {{ latest_version(source('purchases', 'contract_outcome_prices'), ['contract_id', 'outcome_type']) }}
)

select
    contract_id,
    outcome_type,
    bonus_eur,
    updated_at,
    _delivery_id as delivery_id
from latest
