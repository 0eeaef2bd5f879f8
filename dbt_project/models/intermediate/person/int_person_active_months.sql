{# Each person's months with a service episode active in them (from the month of its start to
   the month of its end, or of the as-of date), per employment area of those episodes, with
   the target groups of any of them: the active customers int_area_month_flows counts, made
   distinct per person once here instead of over every episode-month each night.
   Incremental by person and by month: a nightly build recomputes the touched people's rows
   and adds everyone else's for the months the as-of date has entered since the last build
   (their episodes all started by then: a start the as-of date moves across touches the
   person); rows of months after the as-of date go (it can be set back). #}

-- depends_on: {{ ref('stg_register__service_periods') }}

{{ config(
    pre_hook="{{ delete_after_as_of('month_start') }}",
    meta={'touched_by': service_episode_inputs()},
) }}

{%- set touched = touched_persons() %}

-- From the first day an episode can add a month from: its start for the people recomputed (all
-- of them in a full build), the first day of the month after the last build's as-of date for
-- everyone else (the months up to it are built).
with episodes as (
    select
        person_key,
        employment_area_code,
        is_youth,
        is_long_term_unemployed,
        has_partial_work_ability,
        is_foreign_language,
        {%- if touched is none %}
        start_date as first_day,
        {%- else %}
        case
            when {{ persons_filter(touched) }} then start_date
            else greatest(start_date, last_day({{ previous_as_of() }}) + 1)
        end as first_day,
        {%- endif %}
        least(coalesce(end_date, {{ as_of() }}), {{ as_of() }}) as observed_end
    from {{ ref('int_person_service_episodes') }}
)

select
    person_key,
    employment_area_code,
    month_start,
    bool_or(is_youth) as is_youth,
    bool_or(is_long_term_unemployed) as is_long_term_unemployed,
    bool_or(has_partial_work_ability) as has_partial_work_ability,
    bool_or(is_foreign_language) as is_foreign_language,
    {{ built_at() }}
from (
    select *, {{ unnest_month_starts('first_day', 'observed_end') }} as month_start
    from episodes
    where first_day <= observed_end
) as months
group by person_key, employment_area_code, month_start
