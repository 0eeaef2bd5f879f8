{# One row per episode and target group it belongs to (ALL always). A view: each of its three
   readers expands the episodes in less time than writing the 3.7 M rows every night took. #}

{{ config(materialized='view') }}

with episodes as (
    select service_period_id, is_youth, is_long_term_unemployed, has_partial_work_ability,
        is_foreign_language
    from {{ ref('int_person_service_episodes') }}
),

grouped as (
    {{ target_group_rows('episodes', kpi_target_groups()) }}
)

select service_period_id, target_group from grouped
