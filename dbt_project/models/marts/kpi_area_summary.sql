{# One row per employment area for leadership's summary: the register on the last day of the
   latest complete month, and the flows of the twelve months up to and including it (all
   target groups together). #}

with months as (
    select *
    from {{ ref('kpi_area_month') }}
    where target_group = 'ALL'
),

latest as (
    select max(month_start) as month_start from months where is_complete_month
),

register as (
    select m.*
    from months as m
    inner join latest as l using (month_start)
),

flows as (
    select
        m.employment_area_code,
        min(m.month_start) as window_start,
        cast(sum(m.starts) as bigint) as starts_12m,
        cast(sum(m.exits) as bigint) as exits_12m,
        cast(sum(m.exits_observable_6m) as bigint) as exits_observable_6m,
        cast(sum(m.employed_open_6m) as bigint) as employed_open_6m,
        cast(sum(m.exits_observable_90d) as bigint) as exits_observable_90d,
        cast(sum(m.fell_between) as bigint) as fell_between,
        cast(sum(m.spend_eur) as decimal(18, 2)) as spend_eur_12m
    from months as m
    cross join latest as l
    where m.month_start > l.month_start - interval 12 month
        and m.month_start <= l.month_start
    group by m.employment_area_code
)

select
    r.employment_area_code,
    r.month_start as latest_month,
    r.active_customers,
    r.unemployed_jobseekers,
    r.long_term_unemployed,
    r.in_activating_services,
    r.activation_rate,
    f.window_start,
    f.starts_12m,
    f.exits_12m,
    f.exits_observable_6m,
    f.employed_open_6m,
    {{ rate_columns('employed_open_6m', 'f.employed_open_6m', 'f.exits_observable_6m') }},
    f.exits_observable_90d,
    f.fell_between,
    {{ rate_columns('fell_between', 'f.fell_between', 'f.exits_observable_90d') }},
    f.spend_eur_12m,
    {{ as_of() }} as as_of_date
from register as r
inner join flows as f using (employment_area_code)
