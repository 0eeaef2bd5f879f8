{# Persons whose register status is known (a status period covers the day) on each month's
   last day, every month from the month of the first status period to the last month whose
   last day is on or before the as-of date. A month with nobody, or with far fewer than its
   neighbours, means register data is missing: the blocking check gx_register_month_coverage
   judges it. Segments of one person never overlap, so segments covering a day are persons. #}

with segments as (
    select segment_start, segment_end from {{ ref('int_status_segments') }}
),

bounds as (
    select cast(date_trunc('month', min(segment_start)) as date) as first_month from segments
),

months as (
    select
        {{ unnest_month_starts('first_month', as_of()) }} as month_start
    from bounds
    where first_month is not null
),

-- A segment counts +1 from the first month-end on or after its start and -1 from the first
-- month-end after its end (the same month-end when it covers none). The count on a month-end
-- is the sum of the changes up to it: a few hundred rows of changes instead of a range join
-- of every month against every segment.
changes as (
    select last_day(segment_start) as day, count(*) as delta from segments group by all
    union all
    select last_day(segment_end + 1) as day, -count(*) as delta from segments group by all
)

select
    m.month_start,
    cast(coalesce(sum(c.delta), 0) as bigint) as persons_with_known_status
from months as m
left join changes as c on c.day <= last_day(m.month_start)
where last_day(m.month_start) <= {{ as_of() }}
group by m.month_start
