{# Per episode: the earliest scorable START and the latest scorable END response. #}

with scored as (
    select *
    from {{ ref('int_participation_scores') }}
    where is_scorable and service_period_id is not null
),

per_episode as (
    select
        service_period_id,
        first(participation_score order by response_date, response_id)
            filter (where measurement_point = 'START') as participation_start_score,
        first(participation_score order by response_date desc, response_id desc)
            filter (where measurement_point = 'END') as participation_end_score
    from scored
    group by service_period_id
)

select
    service_period_id,
    participation_start_score,
    participation_end_score,
    round(participation_end_score - participation_start_score, 1) as participation_change
from per_episode
