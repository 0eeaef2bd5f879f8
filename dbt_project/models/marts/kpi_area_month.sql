{# Employment-area KPIs per month (first day) and target group. #}

-- Spend summed per area, month and combination of the episode's target-group flags first
-- (unallocated spend has none: ALL only), then into the groups: one pass over the
-- allocations instead of one per group row of every episode.
with spend_cells as (
    select
        a.employment_area_code,
        a.period_month as month_start,
        e.is_youth,
        e.is_long_term_unemployed,
        e.has_partial_work_ability,
        e.is_foreign_language,
        sum(a.allocated_eur) as spend_eur
    from {{ ref('int_invoice_allocations') }} as a
    left join {{ ref('int_person_service_episodes') }} as e
        on e.service_period_id = a.service_period_id
    group by all
),

spend as (
    select employment_area_code, month_start, target_group, sum(spend_eur) as spend_eur
    from ({{ target_group_rows('spend_cells', kpi_target_groups()) }}) as grouped
    group by all
),

-- The month-end register counts exist once the month's last day is on or before the as-of
-- date; the activation rate's n is everyone it counts.
register as (
    select
        s.employment_area_code,
        s.month_start,
        s.target_group,
        s.month_end <= {{ as_of() }} as is_complete_month,
        case when s.month_end <= {{ as_of() }} then coalesce(r.unemployed_jobseekers, 0) end
            as unemployed_jobseekers,
        case when s.month_end <= {{ as_of() }} then coalesce(r.long_term_unemployed, 0) end
            as long_term_unemployed,
        case when s.month_end <= {{ as_of() }} then coalesce(r.in_activating_services, 0) end
            as in_activating_services,
        case
            when s.month_end <= {{ as_of() }}
                then coalesce(r.unemployed_jobseekers, 0) + coalesce(r.in_activating_services, 0)
        end as activation_rate_n
    from {{ ref('int_area_month_spine') }} as s
    left join {{ ref('int_area_month_register') }} as r
        using (employment_area_code, month_start, target_group)
)

select
    f.employment_area_code,
    f.month_start,
    f.target_group,
    f.active_customers,
    f.starts,
    f.exits,
    f.exits_observable_6m,
    f.employed_open_6m,
    {{ rate_columns('employed_open_6m', 'f.employed_open_6m', 'f.exits_observable_6m') }},
    f.exits_observable_12m,
    f.employed_open_12m,
    {{ rate_columns('employed_open_12m', 'f.employed_open_12m', 'f.exits_observable_12m') }},
    f.exits_observable_90d,
    f.fell_between,
    {{ rate_columns('fell_between', 'f.fell_between', 'f.exits_observable_90d') }},
    cast(coalesce(sp.spend_eur, 0) as decimal(18, 2)) as spend_eur,
    r.unemployed_jobseekers,
    r.long_term_unemployed,
    r.in_activating_services,
    r.activation_rate_n,
    -- A percentage, as KEHA publishes it; its interval on the same scale.
    100 * {{ rate('r.in_activating_services', 'r.activation_rate_n') }} as activation_rate,
    100 * {{ wilson_bound('r.in_activating_services', 'r.activation_rate_n', '-') }}
        as activation_rate_ci_low,
    100 * {{ wilson_bound('r.in_activating_services', 'r.activation_rate_n', '+') }}
        as activation_rate_ci_high,
    r.is_complete_month,
    {{ as_of() }} as as_of_date
from {{ ref('int_area_month_flows') }} as f
inner join register as r using (employment_area_code, month_start, target_group)
left join spend as sp using (employment_area_code, month_start, target_group)
