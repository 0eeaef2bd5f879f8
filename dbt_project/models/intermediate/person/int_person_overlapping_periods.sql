{# Every pair of a person's jobseeker periods that cover some of the same days, once in each
   order (a period's pairs can then be found by its period_id, also when it moves to another
   person), with the overlap and the period deciding its days (the rule of
   int_person_status_segments: the later start wins, ties by updated_at, then the higher
   period_id). An open overlap runs to NULL here; audit.data_quality_findings reports each
   pair once and counts its days up to the as-of date.
   Incremental by person (macros/touched_persons.sql). #}

{{ config(
    meta={'touched_by': {'entities': [['register', 'jobseeker_periods', ['period_id']]]}},
) }}

{%- set touched = touched_persons() %}

with delivered as (
    select period_id, person_key, status, start_date, end_date, updated_at
    from {{ ref('stg_register__jobseeker_periods') }}
    where {{ persons_filter(touched) }}
),

-- Only the periods of people with an overlap can pair: the self-join below sees only them.
periods as (
    select * from delivered
    semi join ({{ persons_with_overlapping_periods('delivered') }}) as o using (person_key)
),

pairs as (
    select
        a.person_key,
        a.period_id,
        a.status,
        b.period_id as other_period_id,
        b.status as other_status,
        greatest(a.start_date, b.start_date) as overlap_start,
        case
            when a.end_date is null then b.end_date
            when b.end_date is null then a.end_date
            else least(a.end_date, b.end_date)
        end as overlap_end,
        case
            when a.start_date > b.start_date then a.period_id
            when a.start_date < b.start_date then b.period_id
            when a.updated_at > b.updated_at then a.period_id
            when a.updated_at < b.updated_at then b.period_id
            else greatest(a.period_id, b.period_id)
        end as decided_by_period_id
    from periods as a
    inner join periods as b
        on a.person_key = b.person_key
        and a.period_id != b.period_id
        and a.start_date <= coalesce(b.end_date, date '9999-12-31')
        and b.start_date <= coalesce(a.end_date, date '9999-12-31')
)

select *, {{ built_at() }}
from pairs
