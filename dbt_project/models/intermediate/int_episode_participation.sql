{# Per episode: the earliest scorable START and the latest scorable END response (a response
   with fewer than 8 answered items has no score, so it can be neither), with their dates. #}

with scored as (
    select *
    from {{ ref('int_participation_scores') }}
    where is_scorable and service_period_id is not null
),

per_episode as (
    select
        service_period_id,
        arg_min(participation_score, (response_date, response_id))
            filter (where measurement_point = 'START') as participation_start_score,
        min(response_date) filter (where measurement_point = 'START')
            as participation_start_date,
        arg_max(participation_score, (response_date, response_id))
            filter (where measurement_point = 'END') as participation_end_score,
        max(response_date) filter (where measurement_point = 'END') as participation_end_date
    from scored
    group by service_period_id
)

select
    service_period_id,
    participation_start_score,
    participation_start_date,
    participation_end_score,
    participation_end_date,
    round(participation_end_score - participation_start_score, 1) as participation_change
from per_episode
