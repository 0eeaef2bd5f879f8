{# Every employment area with data x every month from the first service or invoiced month to
   the as-of month x every target group: the rows of kpi_area_month, zeros included. #}

with first_month as (
    select cast(date_trunc('month', min(first_day)) as date) as month_start
    from (
        select min(start_date) as first_day from {{ ref('int_person_service_episodes') }}
        union all
        select min(period_month) from {{ ref('int_invoice_allocations') }}
    ) as starts
),

months as (
    select
        {{ unnest_month_starts('month_start', as_of()) }} as month_start
    from first_month
),

areas as (
    select employment_area_code from {{ ref('int_person_service_episodes') }}
    union
    select employment_area_code from {{ ref('int_invoice_allocations') }}
    union
    select m.employment_area_code
    from {{ ref('int_status_segments') }} as s
    inner join {{ ref('ref_municipalities') }} as m on m.municipality_code = s.municipality_code
)

select
    a.employment_area_code,
    m.month_start,
    last_day(m.month_start) as month_end,
    g.code as target_group
from areas as a
cross join months as m
cross join (
    select code from {{ ref('ref_codes') }} where code_set = 'target_group'
) as g
where a.employment_area_code is not null
