{# Persons whose register status is known (a status period covers the day) on each month's
   last day, every month from the month of the first status period to the last month whose
   last day is on or before the as-of date. A month with nobody, or with far fewer than its
   neighbours, means register data is missing: the blocking check gx_register_month_coverage
   judges it. Segments of one person never overlap, so rows are persons. #}

with bounds as (
    select cast(date_trunc('month', min(segment_start)) as date) as first_month
    from {{ ref('int_status_segments') }}
),

months as (
    select
        {{ unnest_month_starts('first_month', as_of()) }} as month_start
    from bounds
    where first_month is not null
)

select
    m.month_start,
    count(s.person_key) as persons_with_known_status
from months as m
left join {{ ref('int_status_segments') }} as s
    on last_day(m.month_start) between s.segment_start and s.segment_end
where last_day(m.month_start) <= {{ as_of() }}
group by m.month_start
