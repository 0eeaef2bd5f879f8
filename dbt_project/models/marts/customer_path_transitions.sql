{# Where people go next: exits whose 90-day next step is observable, per employment area of
   the exited episode, exit year, the exited service's category and the next step
   (next_step_90d). The share of a next step among the category's exits carries its n and
   Wilson interval like every other rate. #}

with exits as (
    select
        employment_area_code,
        year(end_date) as exit_year,
        service_category as from_category,
        next_step_90d as next_step,
        next_step_gap_days
    from {{ ref('fct_service_episodes') }}
    where next_step_90d is not null
),

transitions as (
    select
        employment_area_code,
        exit_year,
        from_category,
        next_step,
        count(*) as transitions,
        median(next_step_gap_days) as median_gap_days
    from exits
    group by all
),

with_totals as (
    select
        *,
        cast(
            sum(transitions) over (partition by employment_area_code, exit_year, from_category)
            as bigint
        ) as exits_observable_90d
    from transitions
)

select
    employment_area_code,
    exit_year,
    from_category,
    next_step,
    transitions,
    median_gap_days,
    exits_observable_90d,
    {{ rate_columns('transition', 'transitions', 'exits_observable_90d') }},
    {{ as_of() }} as as_of_date
from with_totals
