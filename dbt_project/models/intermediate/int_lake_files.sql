{# The ledger of the incremental person-level intermediates (macros/touched_persons.sql): the
   lake files and the as-of date they were last built from, recorded once every one of them
   is built. A failed model leaves the ledger as it was, so the next build recomputes the same
   people again. #}

-- depends_on: {{ ref('int_person_status_segments') }}
-- depends_on: {{ ref('int_person_invoice_allocations') }}
-- depends_on: {{ ref('int_person_service_month_ends') }}
-- depends_on: {{ ref('int_person_service_episodes') }}
-- depends_on: {{ ref('int_person_episode_outcomes') }}
-- depends_on: {{ ref('int_person_overlapping_periods') }}
-- depends_on: {{ ref('int_person_active_months') }}

select f.file, f.size, f.last_modified, a.as_of_date
from staging.lake_files_at_start as f
cross join {{ ref('int_as_of') }} as a
