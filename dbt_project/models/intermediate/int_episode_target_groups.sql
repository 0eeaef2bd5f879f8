{# One row per episode and target group it belongs to (ALL always). #}

with episodes as (
    select service_period_id, is_youth, is_long_term_unemployed, has_partial_work_ability,
        is_foreign_language
    from {{ ref('int_service_episodes') }}
),

grouped as (
    {{ target_group_rows('episodes', {
        'ALL': 'true',
        'YOUTH': 'is_youth',
        'LONG_TERM_UNEMPLOYED': 'is_long_term_unemployed',
        'PARTIAL_WORK_ABILITY': 'has_partial_work_ability',
        'FOREIGN_LANGUAGE': 'is_foreign_language',
    }) }}
)

select service_period_id, target_group from grouped
