{# What the warehouse had to resolve in the delivered data, one row per finding.
   OVERLAPPING_STATUS_PERIODS: two jobseeker periods of one person cover the same days. The
   contract's rule decides every such day (see int_status_segments: the later start wins,
   ties by updated_at, then period_id); each overlapping pair is recorded here, with the
   period that decides its days. An open end runs to the as-of date for overlap_days.
   A view over the pairs kept per person (int_person_overlapping_periods), so a night
   recomputes only its people's pairs. #}

{{ config(materialized='view') }}

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
    decided_by_period_id
from {{ ref('int_person_overlapping_periods') }}
where period_id < other_period_id
