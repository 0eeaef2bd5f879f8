{# One row per service episode (palvelujakso) that has started by the as-of date. #}

with cost as (
    select service_period_id, sum(allocated_eur) as cost_eur
    from {{ ref('int_invoice_allocations') }}
    where service_period_id is not null
    group by service_period_id
)

select
    e.service_period_id,
    e.person_key,
    e.service_code,
    e.service_category,
    e.provider_business_id,
    e.provider_sector,
    e.contract_id,
    e.operating_model,
    e.municipality_code,
    e.employment_area_code,
    e.wellbeing_county_code,
    e.start_date,
    e.end_date,
    e.end_reason,
    e.duration_days,
    e.is_exited,
    e.is_youth,
    e.is_long_term_unemployed,
    e.has_partial_work_ability,
    e.is_foreign_language,
    o.employed_open_within_30d,
    o.employed_open_3m,
    o.employed_open_6m,
    o.employed_open_12m,
    o.working_or_studying_12m,
    o.degree_education_within_6m,
    o.unemployed_again_within_3m,
    o.employed_open_during_service,
    o.next_step_90d,
    o.next_step_gap_days,
    p.participation_start_score,
    p.participation_end_score,
    p.participation_change,
    '{{ var("participation_score_version") }}' as participation_score_version,
    cast(coalesce(c.cost_eur, 0) as decimal(18, 2)) as cost_eur,
    {{ as_of() }} as as_of_date
from {{ ref('int_service_episodes') }} as e
inner join {{ ref('int_person_episode_outcomes') }} as o on o.service_period_id = e.service_period_id
left join {{ ref('int_episode_participation') }} as p on p.service_period_id = e.service_period_id
left join cost as c on c.service_period_id = e.service_period_id
