{# Continuous unemployment: UNEMPLOYED / LAID_OFF segments chained while the next starts no
   later than the day after the previous ends. A spell that began on or before D - 364 makes
   the person long-term unemployed on day D (at least 365 days including D). #}

with unemployed as (
    select person_key, segment_start, segment_end
    from {{ ref('int_status_segments') }}
    where status in ('UNEMPLOYED', 'LAID_OFF')
),

marked as (
    select
        *,
        case
            when segment_start <= max(segment_end) over (
                partition by person_key order by segment_start
                rows between unbounded preceding and 1 preceding
            ) + 1 then 0
            else 1
        end as starts_spell
    from unemployed
),

numbered as (
    select
        *,
        sum(starts_spell) over (
            partition by person_key order by segment_start rows unbounded preceding
        ) as spell_no
    from marked
)

select
    person_key,
    spell_no,
    min(segment_start) as spell_start,
    max(segment_end) as spell_end
from numbered
group by person_key, spell_no
