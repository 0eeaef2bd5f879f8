{# What the warehouse had to resolve in the delivered data, one row per finding.
   OVERLAPPING_STATUS_PERIODS: two jobseeker periods of one person cover the same days. The
   contract's rule decides every such day (see int_status_segments: the later start wins,
   ties by updated_at, then period_id); each overlapping pair is recorded here, with the
   period that decides its days. An open end runs to the as-of date for overlap_days. #}

with delivered as (
    select period_id, person_key, status, start_date, end_date, updated_at
    from {{ ref('stg_register__jobseeker_periods') }}
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
        a.start_date,
        a.end_date,
        a.updated_at,
        b.period_id as other_period_id,
        b.status as other_status,
        b.start_date as other_start_date,
        b.end_date as other_end_date,
        b.updated_at as other_updated_at
    from periods as a
    inner join periods as b
        on a.person_key = b.person_key
        and a.period_id < b.period_id
        and a.start_date <= coalesce(b.end_date, date '9999-12-31')
        and b.start_date <= coalesce(a.end_date, date '9999-12-31')
),

overlapping as (
    select
        *,
        case when start_date >= other_start_date then start_date else other_start_date end
            as overlap_start,
        case
            when end_date is null then other_end_date
            when other_end_date is null then end_date
            when end_date <= other_end_date then end_date
            else other_end_date
        end as overlap_end
    from pairs
)

select
    'OVERLAPPING_STATUS_PERIODS' as finding_type,
    person_key,
    period_id,
    status,
    other_period_id,
    other_status,
    overlap_start,
    overlap_end,
    case
        when coalesce(overlap_end, {{ as_of() }}) < overlap_start then 0
        else coalesce(overlap_end, {{ as_of() }}) - overlap_start + 1
    end as overlap_days,
    case
        when start_date > other_start_date then period_id
        when start_date < other_start_date then other_period_id
        when updated_at > other_updated_at then period_id
        when updated_at < other_updated_at then other_period_id
        else other_period_id  -- the higher period_id of the pair
    end as decided_by_period_id
from overlapping
