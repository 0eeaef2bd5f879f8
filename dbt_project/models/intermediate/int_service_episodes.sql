{# Service episodes (int_person_service_episodes) with what depends on the provider and
   contract registers or the as-of date: the provider's sector, the operating model, the
   duration so far and whether the episode has exited. A view: a table would copy every
   episode every night for the few columns that change with the registers or the as-of date,
   while two joins to small tables cost its few readers little (models that need none of
   these columns read int_person_service_episodes). #}

{{ config(materialized='view') }}

select
    e.service_period_id,
    e.person_key,
    e.service_code,
    e.service_category,
    e.counts_in_activation_rate,
    e.provider_business_id,
    case when e.provider_business_id is null then 'PUBLIC' else pr.sector end as provider_sector,
    e.contract_id,
    coalesce(e.operating_model, c.operating_model) as operating_model,
    e.municipality_code,
    e.employment_area_code,
    e.wellbeing_county_code,
    e.start_date,
    e.end_date,
    e.end_reason,
    least(coalesce(e.end_date, {{ as_of() }}), {{ as_of() }}) - e.start_date + 1 as duration_days,
    coalesce(e.end_date <= {{ as_of() }}, false) as is_exited,
    e.is_youth,
    e.is_long_term_unemployed,
    e.has_partial_work_ability,
    e.is_foreign_language
from {{ ref('int_person_service_episodes') }} as e
left join {{ ref('stg_purchases__providers') }} as pr on pr.business_id = e.provider_business_id
left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = e.contract_id
