{# Each person in a service episode that counts in the activation rate on each month's last
   day up to the as-of date, once per employment area the day counts in: the area of the
   status segment deciding that day, or the episode's when no segment covers the day (two
   episodes of one person on one day count once). The long-term unemployment flag is that of
   any of the day's episodes at its start, so the register counts (int_area_month_register)
   only count rows. A person's segments never overlap, so the deciding one is the latest
   starting on or before the day, if it has not ended: an as-of join. The segments are the
   as-of-independent ones: for a day up to the as-of date they decide as the cut ones do.
   Incremental by person (macros/touched_persons.sql) and by day: a nightly build recomputes
   the touched people's rows and adds everyone else's for the month-ends the as-of date has
   passed since the last build; rows after the as-of date go (it can be set back). #}

{{ config(
    pre_hook="{{ delete_after_as_of('day') }}",
    meta={'touched_by': {'entities': [
        ['register', 'service_periods', ['service_period_id']],
        ['register', 'jobseeker_periods', ['period_id']],
    ]}},
) }}

{%- set touched = touched_persons() %}

-- From the first day an episode can add a month-end from: its start for the people recomputed
-- (all of them in a full build), the day after the last build's as-of date for everyone else.
with episodes as (
    select
        person_key,
        employment_area_code as episode_area_code,
        is_long_term_unemployed,
        {%- if touched is none %}
        start_date as first_day,
        {%- else %}
        case
            when {{ persons_filter(touched) }} then start_date
            else greatest(start_date, {{ previous_as_of() }} + 1)
        end as first_day,
        {%- endif %}
        least(coalesce(end_date, {{ as_of() }}), {{ as_of() }}) as observed_end
    from {{ ref('int_person_service_episodes') }}
    where counts_in_activation_rate
),

-- The month-end days each episode covers from its first day, unnested per episode (not
-- joined by range).
days as (
    select person_key, day, episode_area_code, is_long_term_unemployed
    from (
        select *, last_day({{ unnest_month_starts('first_day', 'observed_end') }}) as day
        from episodes
        where first_day <= observed_end
    ) as unnested
    where day <= observed_end
),

-- In a nightly build only the segments of the people with days to decide: an as-of join sorts
-- its whole right side, every person's segments otherwise.
segments as (
    select * from {{ ref('int_person_status_segments') }}
    {%- if touched is not none %}
    semi join (select distinct person_key from days) as deciding using (person_key)
    {%- endif %}
)

select
    d.person_key,
    d.day,
    coalesce(
        case when d.day <= s.segment_end then m.employment_area_code end, d.episode_area_code
    ) as employment_area_code,
    bool_or(d.is_long_term_unemployed) as is_long_term_unemployed,
    {{ built_at() }}
from days as d
asof left join segments as s
    on s.person_key = d.person_key and d.day >= s.segment_start
left join {{ ref('ref_municipalities') }} as m on m.municipality_code = s.municipality_code
group by all
