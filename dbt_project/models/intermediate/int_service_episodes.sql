{# Service episodes that have started by the as-of date, with their provider, operating model,
   area attribution and the target groups decided at the episode's start date. #}

with episodes as (
    select *
    from {{ ref('stg_register__service_periods') }}
    where start_date <= {{ as_of() }}
),

-- A spell covers the days between its start and its end without a gap, so the day before the
-- start is in a spell exactly when an unemployment segment of it covers that day.
long_term_unemployed_at_start as (
    select distinct e.service_period_id
    from episodes as e
    inner join {{ ref('int_status_segments') }} as s
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
    case when e.provider_business_id is null then 'PUBLIC' else pr.sector end as provider_sector,
    e.contract_id,
    coalesce(e.operating_model, c.operating_model) as operating_model,
    e.municipality_code,
    m.employment_area_code,
    m.wellbeing_county_code,
    e.start_date,
    e.end_date,
    e.end_reason,
    least(coalesce(e.end_date, {{ as_of() }}), {{ as_of() }}) - e.start_date + 1 as duration_days,
    coalesce(e.end_date <= {{ as_of() }}, false) as is_exited,
    coalesce(year(e.start_date) - p.birth_year < 30, false) as is_youth,
    ltu.service_period_id is not null as is_long_term_unemployed,
    coalesce(p.disability_or_chronic_illness, false) as has_partial_work_ability,
    coalesce(p.mother_tongue not in ('fi', 'sv', 'se'), false) as is_foreign_language
from episodes as e
left join {{ ref('ref_service_codes') }} as sc on sc.service_code = e.service_code
left join {{ ref('stg_purchases__providers') }} as pr on pr.business_id = e.provider_business_id
left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = e.contract_id
left join {{ ref('ref_municipalities') }} as m on m.municipality_code = e.municipality_code
left join {{ ref('stg_register__persons') }} as p on p.person_key = e.person_key
left join long_term_unemployed_at_start as ltu on ltu.service_period_id = e.service_period_id
