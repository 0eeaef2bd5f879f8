{# A person's labour-market status as non-overlapping segments, whatever the as-of date
   (int_status_segments cuts them at it): an open period runs to 9999-12-31. Where periods
   overlap, the one with the latest start_date decides each day (ties: latest updated_at, then
   highest period_id), so an earlier long period resumes after a later short one ends. Days
   without a segment have status UNKNOWN. Most people's periods never overlap: their periods
   are their segments, and only the others go through the day-boundary split.
   An UNEMPLOYED / LAID_OFF segment carries the start of its unemployment spell: such segments
   chained while the next starts no later than the day after the previous ends. A spell that
   began on or before D - 364 makes the person long-term unemployed on day D (at least 365
   days including D). Cutting the segments at the as-of date cuts no chain (a segment starting
   by then follows only segments that ended before it), so spell starts are as-of-independent.
   Incremental by person (macros/touched_persons.sql). #}

{{ config(
    meta={'touched_by': {'entities': [['register', 'jobseeker_periods', ['period_id']]]}},
) }}

{%- set touched = touched_persons() %}

with periods as (
    select
        period_id,
        person_key,
        status,
        municipality_code,
        start_date,
        coalesce(end_date, date '9999-12-31') as end_date,
        updated_at
    from {{ ref('stg_register__jobseeker_periods') }}
    where {{ persons_filter(touched) }}
),

overlapping_persons as (
    {{ persons_with_overlapping_periods('periods') }}
),

overlapping as (
    select * from periods semi join overlapping_persons using (person_key)
),

boundaries as (
    select person_key, start_date as boundary from overlapping
    union
    select person_key, end_date + 1 as boundary from overlapping
),

elementary as (
    select
        person_key,
        boundary as segment_start,
        lead(boundary) over (partition by person_key order by boundary) - 1 as segment_end
    from boundaries
),

decided as (
    select
        e.person_key,
        e.segment_start,
        e.segment_end,
        p.period_id,
        p.status,
        p.municipality_code,
        row_number() over (
            partition by e.person_key, e.segment_start
            order by p.start_date desc, p.updated_at desc, p.period_id desc
        ) as precedence
    from elementary as e
    inner join overlapping as p
        on p.person_key = e.person_key
        and p.start_date <= e.segment_start
        and p.end_date >= e.segment_start
    where e.segment_end is not null
),

islands as (
    select
        *,
        row_number() over (partition by person_key order by segment_start)
        - row_number() over (partition by person_key, period_id order by segment_start)
            as island
    from decided
    where precedence = 1
),

segments as (
    select
        person_key,
        period_id,
        status,
        municipality_code,
        min(segment_start) as segment_start,
        max(segment_end) as segment_end
    from islands
    group by person_key, period_id, status, municipality_code, island
    union all
    select person_key, period_id, status, municipality_code, start_date, end_date
    from periods anti join overlapping_persons using (person_key)
),

unemployment as (
    select
        *,
        coalesce(
            segment_start > max(segment_end) over (
                partition by person_key order by segment_start
                rows between unbounded preceding and 1 preceding
            ) + 1,
            true
        ) as starts_spell
    from segments
    where status in ('UNEMPLOYED', 'LAID_OFF')
),

spells as (
    select
        person_key,
        segment_start,
        max(case when starts_spell then segment_start end) over (
            partition by person_key order by segment_start rows unbounded preceding
        ) as spell_start
    from unemployment
)

select s.*, sp.spell_start, {{ built_at() }}
from segments as s
left join spells as sp using (person_key, segment_start)
