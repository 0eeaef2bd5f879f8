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

-- The months each episode is active in, unnested per episode rather than joined by range,
-- then one row per area, month and person, in every target group of any of the person's
-- episodes active there: counting those rows per target group counts distinct people, and the
-- rows do not multiply by target group before they are made distinct.
active_persons as (
    select
        employment_area_code,
        month_start,
        bool_or(is_youth) as is_youth,
        bool_or(is_long_term_unemployed) as is_long_term_unemployed,
        bool_or(has_partial_work_ability) as has_partial_work_ability,
        bool_or(is_foreign_language) as is_foreign_language
    from (
        select *, {{ unnest_month_starts('start_date', 'observed_end') }} as month_start
        from (
            select
                *,
                least(coalesce(end_date, {{ as_of() }}), {{ as_of() }}) as observed_end
            from {{ ref('int_service_episodes') }}
        ) as episodes
    ) as months
    group by employment_area_code, month_start, person_key
),

active_cells as (
    select *, count(*) as persons from active_persons group by all
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
