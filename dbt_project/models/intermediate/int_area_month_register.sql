{# Register counts on each month's last day (NULL for months whose last day is after the
   as-of date), by the area of the status period that decides the day, for the unemployed and
   for the people in activating services alike (kpis-and-marts.md: a register count belongs
   to that area), so both parts of the activation rate are counted in the same place. A person
   in a service on a day no status period covers is counted in the episode's area. Target
   groups of a register count are the person's on that day: age by the day's year; long-term
   unemployed by the unemployment spell (for people in services: by the episode's flag at its
   start). #}

with days as (
    select distinct month_end as day from {{ ref('int_area_month_spine') }}
    where month_end <= {{ as_of() }}
),

persons as (
    select person_key, birth_year, disability_or_chronic_illness, mother_tongue
    from {{ ref('stg_register__persons') }}
),

unemployed as (
    select
        d.day,
        m.employment_area_code,
        s.person_key,
        coalesce(sp.spell_start <= d.day - 364, false) as is_long_term_unemployed
    from days as d
    inner join {{ ref('int_status_segments') }} as s
        on d.day between s.segment_start and s.segment_end
        and s.status in ('UNEMPLOYED', 'LAID_OFF')
    inner join {{ ref('ref_municipalities') }} as m on m.municipality_code = s.municipality_code
    left join {{ ref('int_unemployment_spells') }} as sp
        on sp.person_key = s.person_key and d.day between sp.spell_start and sp.spell_end
),

in_services as (
    select
        d.day,
        coalesce(m.employment_area_code, e.employment_area_code) as employment_area_code,
        e.person_key,
        bool_or(e.is_long_term_unemployed) as is_long_term_unemployed
    from days as d
    inner join {{ ref('int_service_episodes') }} as e
        on e.counts_in_activation_rate
        and e.start_date <= d.day
        and least(coalesce(e.end_date, {{ as_of() }}), {{ as_of() }}) >= d.day
    left join {{ ref('int_status_segments') }} as s
        on s.person_key = e.person_key and d.day between s.segment_start and s.segment_end
    left join {{ ref('ref_municipalities') }} as m on m.municipality_code = s.municipality_code
    group by all
),

counted as (
    select day, employment_area_code, person_key, is_long_term_unemployed,
        true as is_unemployed, false as is_in_service
    from unemployed
    union all
    select day, employment_area_code, person_key, is_long_term_unemployed,
        false as is_unemployed, true as is_in_service
    from in_services
),

with_persons as (
    select
        c.*,
        coalesce(year(c.day) - p.birth_year < 30, false) as is_youth,
        coalesce(p.disability_or_chronic_illness, false) as has_partial_work_ability,
        coalesce(p.mother_tongue not in ('fi', 'sv', 'se'), false) as is_foreign_language
    from counted as c
    left join persons as p on p.person_key = c.person_key
),

grouped as (
    {{ target_group_rows('with_persons', {
        'ALL': 'true',
        'YOUTH': 'is_youth',
        'LONG_TERM_UNEMPLOYED': 'is_long_term_unemployed',
        'PARTIAL_WORK_ABILITY': 'has_partial_work_ability',
        'FOREIGN_LANGUAGE': 'is_foreign_language',
    }) }}
)

select
    employment_area_code,
    cast(date_trunc('month', day) as date) as month_start,
    target_group,
    count(distinct person_key) filter (where is_unemployed) as unemployed_jobseekers,
    count(distinct person_key) filter (where is_unemployed and is_long_term_unemployed)
        as long_term_unemployed,
    count(distinct person_key) filter (where is_in_service) as in_activating_services
from grouped
where employment_area_code is not null
group by all
