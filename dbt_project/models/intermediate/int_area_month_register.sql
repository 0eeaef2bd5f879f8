{# Register counts on each month's last day (NULL for months whose last day is after the
   as-of date), by the area of the status period that decides the day, for the unemployed and
   for the people in activating services alike (kpis-and-marts.md: a register count belongs
   to that area), so both parts of the activation rate are counted in the same place. A person
   in a service on a day no status period covers is counted in the episode's area. Target
   groups of a register count are the person's on that day: age by the day's year; long-term
   unemployed by the start of the segment's unemployment spell (for people in services: by the
   episode's flag at its start). #}

with days as (
    select distinct month_end as day from {{ ref('int_area_month_spine') }}
    where month_end <= {{ as_of() }}
),

-- The person's target-group attributes, attached before the rows multiply by month.
persons as (
    select
        person_key,
        birth_year,
        disability_or_chronic_illness as has_partial_work_ability,
        mother_tongue not in ('fi', 'sv', 'se') as is_foreign_language
    from {{ ref('stg_register__persons') }}
),

unemployed_segments as (
    select
        s.person_key,
        m.employment_area_code,
        s.segment_start,
        s.segment_end,
        s.spell_start,
        p.birth_year,
        coalesce(p.has_partial_work_ability, false) as has_partial_work_ability,
        coalesce(p.is_foreign_language, false) as is_foreign_language
    from {{ ref('int_status_segments') }} as s
    inner join {{ ref('ref_municipalities') }} as m on m.municipality_code = s.municipality_code
    left join persons as p on p.person_key = s.person_key
    where s.status in ('UNEMPLOYED', 'LAID_OFF')
),

-- The month-end days each segment covers, unnested per segment rather than found by a range
-- join of every day against every segment (which does not fit in memory nationally).
unemployed as (
    select
        d.day,
        s.employment_area_code,
        coalesce(s.spell_start <= d.day - 364, false) as is_long_term_unemployed,
        s.birth_year,
        s.has_partial_work_ability,
        s.is_foreign_language,
        true as is_unemployed,
        false as is_in_service
    from (
        select *, last_day({{ unnest_month_starts('segment_start', 'segment_end') }}) as day
        from unemployed_segments
    ) as s
    inner join days as d on d.day = s.day and d.day <= s.segment_end
),

-- A person's days in activating services, in the area of the status segment deciding the day,
-- else in the episode's area: int_person_service_month_ends has one row per person, day and
-- area.
in_services as (
    select
        d.day,
        d.employment_area_code,
        d.is_long_term_unemployed,
        p.birth_year,
        coalesce(p.has_partial_work_ability, false) as has_partial_work_ability,
        coalesce(p.is_foreign_language, false) as is_foreign_language,
        false as is_unemployed,
        true as is_in_service
    from {{ ref('int_person_service_month_ends') }} as d
    left join persons as p on p.person_key = d.person_key
    where d.day in (select day from days)
),

-- Segments never overlap and in_services has one row per day, area and person, so a row is a
-- distinct person: counting rows per cell of flags, then per target group, is exact and keeps
-- the national row count out of the target-group expansion.
cells as (
    select
        employment_area_code,
        day,
        is_unemployed,
        is_in_service,
        is_long_term_unemployed,
        coalesce(year(day) - birth_year < 30, false) as is_youth,
        has_partial_work_ability,
        is_foreign_language,
        count(*) as persons
    from (
        select * from unemployed
        union all by name
        select * from in_services
    ) as counted
    where employment_area_code is not null
    group by all
),

grouped as (
    {{ target_group_rows('cells', kpi_target_groups()) }}
)

select
    employment_area_code,
    cast(date_trunc('month', day) as date) as month_start,
    target_group,
    cast(coalesce(sum(persons) filter (where is_unemployed), 0) as bigint)
        as unemployed_jobseekers,
    cast(coalesce(sum(persons) filter (where is_unemployed and is_long_term_unemployed), 0)
        as bigint) as long_term_unemployed,
    cast(coalesce(sum(persons) filter (where is_in_service), 0) as bigint)
        as in_activating_services
from grouped
group by all
