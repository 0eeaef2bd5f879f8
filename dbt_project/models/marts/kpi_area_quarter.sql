{# Outcomes of exits per employment area, quarter of exit and target group: the monthly flows
   summed, so small areas get enough observable exits for a trend worth reading. #}

select
    employment_area_code,
    cast(date_trunc('quarter', month_start) as date) as quarter_start,
    target_group,
    cast(sum(exits) as bigint) as exits,
    cast(sum(exits_observable_6m) as bigint) as exits_observable_6m,
    cast(sum(employed_open_6m) as bigint) as employed_open_6m,
    {{ rate_columns('employed_open_6m', 'sum(employed_open_6m)', 'sum(exits_observable_6m)') }},
    cast(sum(exits_observable_12m) as bigint) as exits_observable_12m,
    cast(sum(employed_open_12m) as bigint) as employed_open_12m,
    {{ rate_columns('employed_open_12m', 'sum(employed_open_12m)', 'sum(exits_observable_12m)') }},
    {{ as_of() }} as as_of_date
from {{ ref('kpi_area_month') }}
group by employment_area_code, quarter_start, target_group
