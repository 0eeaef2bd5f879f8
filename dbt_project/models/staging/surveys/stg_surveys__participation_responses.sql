{{ config(unique_key=['response_id']) }}

with latest as (
    {{ latest_version(source('surveys', 'participation_responses')) }}
)

select
    response_id,
    person_key,
    service_period_id,
    business_id,
    response_date,
    measurement_point,
    q01, q02, q03, q04, q05, q06, q07, q08, q09, q10,
    work_ability,
    updated_at,
    _delivery_id as delivery_id
from latest
