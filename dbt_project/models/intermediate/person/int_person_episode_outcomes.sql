{# Outcomes of each episode from the resolved status segments. An outcome is NULL until the
   episode has exited and the last day it looks at is on or before the as-of date.
   Incremental by person (macros/touched_persons.sql). Besides the episodes that have started,
   the as-of date decides an episode's outcomes only on the days it crosses: its exit and the
   ends of its follow-up windows (exit + 30 / 90 / 91 / 182 / 365, when an outcome becomes
   observable), and the start of a status segment or period (employment during an ongoing
   episode, an education start); a window that ends by the as-of date looks only at days up
   to it, which the cut at the as-of date leaves as they are. #}

-- depends_on: {{ ref('stg_register__service_periods') }}
-- depends_on: {{ ref('int_person_status_segments') }}

{{ config(
    meta={'touched_by': {
        'entities': [
            ['register', 'service_periods', ['service_period_id']],
            ['register', 'jobseeker_periods', ['period_id']],
        ],
        'as_of_dated': [
            ['stg_register__service_periods', 'start_date'],
            ['stg_register__service_periods', 'end_date', [0, 30, 90, 91, 182, 365]],
            ['stg_register__jobseeker_periods', 'start_date'],
            ['int_person_status_segments', 'segment_start'],
        ],
    }},
) }}

{%- set touched = touched_persons() %}

with episodes as (
    select
        service_period_id,
        person_key,
        service_category,
        start_date,
        end_date,
        coalesce(end_date <= {{ as_of() }}, false) as is_exited,
        least(coalesce(end_date, {{ as_of() }}), {{ as_of() }}) as observed_end
    from {{ ref('int_person_service_episodes') }}
    where {{ persons_filter(touched) }}
),

-- Materialized: joined as the view with the as-of cut, the filter reaches the segments late.
person_segments as materialized (
    select * from {{ ref('int_status_segments') }} where {{ persons_filter(touched) }}
),

segments as (
    select
        e.service_period_id,
        e.start_date,
        e.end_date,
        e.observed_end,
        s.status,
        s.segment_start,
        s.segment_end
    from episodes as e
    inner join person_segments as s
        on s.person_key = e.person_key
        and s.segment_end >= e.start_date
        and s.segment_start <= e.observed_end + 365
),

status_flags as (
    select
        service_period_id,
        bool_or(status = 'EMPLOYED_OPEN'
            and segment_start <= observed_end and segment_end >= start_date) as employed_during,
        bool_or(status = 'EMPLOYED_OPEN'
            and segment_start <= end_date + 30 and segment_end >= end_date + 1) as employed_30d,
        bool_or(status = 'EMPLOYED_OPEN'
            and end_date + 91 between segment_start and segment_end) as employed_3m,
        bool_or(status = 'EMPLOYED_OPEN'
            and end_date + 182 between segment_start and segment_end) as employed_6m,
        bool_or(status = 'EMPLOYED_OPEN'
            and end_date + 365 between segment_start and segment_end) as employed_12m,
        bool_or(status in ('EMPLOYED_OPEN', 'EMPLOYED_SUBSIDISED', 'IN_EDUCATION')
            and end_date + 365 between segment_start and segment_end) as working_or_studying_12m,
        bool_or(status in ('UNEMPLOYED', 'LAID_OFF')
            and segment_start <= end_date + 91 and segment_end >= end_date + 1) as unemployed_3m,
        {%- for status in ['EMPLOYED_OPEN', 'IN_EDUCATION', 'EMPLOYED_SUBSIDISED'] %}
        min(case when status = '{{ status }}'
            and segment_start <= end_date + 90 and segment_end >= end_date + 1
            then greatest(segment_start, end_date + 1) end) as first_{{ status | lower }}_in_90d
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from segments
    group by service_period_id
),

education_starts as (
    select distinct e.service_period_id
    from episodes as e
    inner join (
        select * from {{ ref('stg_register__jobseeker_periods') }}
        where {{ persons_filter(touched) }}
    ) as p
        on p.person_key = e.person_key
        and p.status = 'IN_EDUCATION'
        and p.start_date between e.end_date + 1 and e.end_date + 182
        and p.start_date <= {{ as_of() }}
),

next_services as (
    select
        e.service_period_id,
        n.service_category,
        n.start_date,
        row_number() over (
            partition by e.service_period_id order by n.start_date, n.service_period_id
        ) as sequence_no
    from episodes as e
    inner join episodes as n
        on n.person_key = e.person_key
        and n.start_date between e.end_date + 1 and e.end_date + 90
),

observability as (
    select
        e.*,
        {%- for days in [30, 90, 91, 182, 365] %}
        e.is_exited and e.end_date + {{ days }} <= {{ as_of() }} as observable_{{ days }}d
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from episodes as e
),

next_steps as (
    select
        o.service_period_id,
        case
            when ns.service_category is not null then 'SERVICE:' || ns.service_category
            when f.first_employed_open_in_90d is not null then 'EMPLOYED_OPEN'
            when f.first_in_education_in_90d is not null then 'IN_EDUCATION'
            when f.first_employed_subsidised_in_90d is not null then 'EMPLOYED_SUBSIDISED'
            else 'NO_SERVICE_NO_WORK'
        end as next_step,
        coalesce(
            ns.start_date,
            f.first_employed_open_in_90d,
            f.first_in_education_in_90d,
            f.first_employed_subsidised_in_90d
        ) - o.end_date as gap_days
    from observability as o
    left join status_flags as f on f.service_period_id = o.service_period_id
    left join next_services as ns
        on ns.service_period_id = o.service_period_id and ns.sequence_no = 1
    where o.observable_90d
)

select
    o.service_period_id,
    o.person_key,
    case when o.observable_30d then coalesce(f.employed_30d, false) end
        as employed_open_within_30d,
    case when o.observable_91d then coalesce(f.employed_3m, false) end as employed_open_3m,
    case when o.observable_182d then coalesce(f.employed_6m, false) end as employed_open_6m,
    case when o.observable_365d then coalesce(f.employed_12m, false) end as employed_open_12m,
    case when o.observable_365d then coalesce(f.working_or_studying_12m, false) end
        as working_or_studying_12m,
    case when o.observable_182d then es.service_period_id is not null end
        as degree_education_within_6m,
    case when o.observable_91d then coalesce(f.unemployed_3m, false) end
        as unemployed_again_within_3m,
    coalesce(f.employed_during, false) as employed_open_during_service,
    n.next_step as next_step_90d,
    n.gap_days as next_step_gap_days,
    {{ built_at() }}
from observability as o
left join status_flags as f on f.service_period_id = o.service_period_id
left join education_starts as es on es.service_period_id = o.service_period_id
left join next_steps as n on n.service_period_id = o.service_period_id
