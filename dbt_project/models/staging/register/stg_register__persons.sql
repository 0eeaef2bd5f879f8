{{ config(unique_key=['person_key']) }}

with latest as (
    {{ latest_version(source('register', 'persons')) }}
)

select
    person_key,
    birth_year,
    mother_tongue,
    home_municipality_code,
    education_level,
    coalesce(disability_or_chronic_illness, false) as disability_or_chronic_illness,
    updated_at,
    _delivery_id as delivery_id
from latest
