{# Customer flows per employment area, month and target group: active customers, starts,
   exits, and the outcomes of the month's exits (only observable ones count in a rate). #}

with episodes as (
    select
        e.service_period_id,
        e.employment_area_code,
        e.start_date,
        e.end_date,
        e.is_exited,
        g.target_group,
        o.employed_open_6m,
        o.employed_open_12m,
        o.next_step_90d
    from {{ ref('int_service_episodes') }} as e
    inner join {{ ref('int_episode_target_groups') }} as g
        on g.service_period_id = e.service_period_id
    inner join {{ ref('int_person_episode_outcomes') }} as o on o.service_period_id = e.service_period_id
),

spine as (
    select * from {{ ref('int_area_month_spine') }}
),

-- One row per person, area and month with the target groups of any of the person's episodes
-- active there (int_person_active_months): counting rows per target group counts distinct
-- people, and the rows do not multiply by target group before they are made distinct.
active_cells as (
    select
        employment_area_code,
        month_start,
        is_youth,
        is_long_term_unemployed,
        has_partial_work_ability,
        is_foreign_language,
        count(*) as persons
    from {{ ref('int_person_active_months') }}
    group by all
),

active as (
    select
        employment_area_code,
        month_start,
        target_group,
        cast(sum(persons) as bigint) as active_customers
    from ({{ target_group_rows('active_cells', kpi_target_groups()) }}) as grouped
    group by all
),

starts as (
    select
        employment_area_code,
        cast(date_trunc('month', start_date) as date) as month_start,
        target_group,
        count(*) as starts
    from episodes
    group by all
),

exits as (
    select
        employment_area_code,
        cast(date_trunc('month', end_date) as date) as month_start,
        target_group,
        count(*) as exits,
        count(employed_open_6m) as exits_observable_6m,
        {{ count_true("employed_open_6m") }} as employed_open_6m,
        count(employed_open_12m) as exits_observable_12m,
        {{ count_true("employed_open_12m") }} as employed_open_12m,
        count(next_step_90d) as exits_observable_90d,
        {{ count_true("next_step_90d = 'NO_SERVICE_NO_WORK'") }} as fell_between
    from episodes
    where is_exited
    group by all
)

select
    s.employment_area_code,
    s.month_start,
    s.target_group,
    coalesce(a.active_customers, 0) as active_customers,
    coalesce(st.starts, 0) as starts,
    coalesce(x.exits, 0) as exits,
    coalesce(x.exits_observable_6m, 0) as exits_observable_6m,
    coalesce(x.employed_open_6m, 0) as employed_open_6m,
    coalesce(x.exits_observable_12m, 0) as exits_observable_12m,
    coalesce(x.employed_open_12m, 0) as employed_open_12m,
    coalesce(x.exits_observable_90d, 0) as exits_observable_90d,
    coalesce(x.fell_between, 0) as fell_between
from spine as s
left join active as a using (employment_area_code, month_start, target_group)
left join starts as st using (employment_area_code, month_start, target_group)
left join exits as x using (employment_area_code, month_start, target_group)
