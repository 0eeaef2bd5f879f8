{{ config(unique_key=['period_id']) }}

with latest as (
    {{ latest_version(source('register', 'jobseeker_periods')) }}
)

select
    period_id,
    person_key,
    status,
    municipality_code,
    start_date,
    end_date,
    updated_at,
    _delivery_id as delivery_id
from latest
