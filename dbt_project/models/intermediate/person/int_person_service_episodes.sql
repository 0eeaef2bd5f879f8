{# Service episodes that have started by the as-of date with what about them does not depend
   on the as-of date: the service's category, the area of the municipality and the target
   groups decided at the episode's start date. int_service_episodes adds the provider's
   sector, the contract's operating model, the duration and whether the episode has exited.
   Incremental by person (macros/touched_persons.sql): the as-of date decides only which
   episodes have started, and the status segment covering the day before the start is the
   same cut at any later as-of date. #}

{{ config(
    meta={'touched_by': service_episode_inputs()},
) }}

{%- set touched = touched_persons() %}

with episodes as (
    select *
    from {{ ref('stg_register__service_periods') }}
    where start_date <= {{ as_of() }} and {{ persons_filter(touched) }}
),

-- Materialized: joined as the view with the as-of cut, the filter reaches the segments late.
person_segments as materialized (
    select * from {{ ref('int_status_segments') }} where {{ persons_filter(touched) }}
),

persons as (
    select * from {{ ref('stg_register__persons') }} where {{ persons_filter(touched) }}
),

-- A spell covers the days between its start and its end without a gap, so the day before the
-- start is in a spell exactly when an unemployment segment of it covers that day.
long_term_unemployed_at_start as (
    select distinct e.service_period_id
    from episodes as e
    inner join person_segments as s
        on s.person_key = e.person_key
        and e.start_date - 1 between s.segment_start and s.segment_end
        and s.spell_start <= e.start_date - 365
)

select
    e.service_period_id,
    e.person_key,
    e.service_code,
    sc.service_category,
    sc.counts_in_activation_rate,
    e.provider_business_id,
    e.contract_id,
    e.operating_model,
    e.municipality_code,
    m.employment_area_code,
    m.wellbeing_county_code,
    e.start_date,
    e.end_date,
    e.end_reason,
    coalesce(year(e.start_date) - p.birth_year < 30, false) as is_youth,
    ltu.service_period_id is not null as is_long_term_unemployed,
    coalesce(p.disability_or_chronic_illness, false) as has_partial_work_ability,
    coalesce(p.mother_tongue not in ('fi', 'sv', 'se'), false) as is_foreign_language,
    {{ built_at() }}
from episodes as e
left join {{ ref('ref_service_codes') }} as sc on sc.service_code = e.service_code
left join {{ ref('ref_municipalities') }} as m on m.municipality_code = e.municipality_code
left join persons as p on p.person_key = e.person_key
left join long_term_unemployed_at_start as ltu on ltu.service_period_id = e.service_period_id
