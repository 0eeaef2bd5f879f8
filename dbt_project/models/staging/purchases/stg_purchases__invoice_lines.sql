{{ config(unique_key=['invoice_id', 'line_no']) }}

with latest as (
    {{ latest_version(source('purchases', 'invoice_lines')) }}
)

select
    invoice_id,
    line_no,
    contract_id,
    invoice_date,
    period_start,
    period_end,
    person_key,
    line_type,
    outcome_type,
    outcome_date,
    quantity,
    amount_eur,
    updated_at,
    _delivery_id as delivery_id
from latest
