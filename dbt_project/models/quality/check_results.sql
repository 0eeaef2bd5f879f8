{# A view, not a table: it reads the Parquet files at query time, so the published snapshot
   shows every run's results, the latest (also a failing run that published nothing)
   included. The files live in the lake (_audit/check_results), which must be readable
   where the snapshot is queried. #}
select
    run_id,
    checked_at,
    check_name,
    asset,
    severity,
    blocking,
    status,
    failing_rows,
    sample,
    description
from {{ source('lake_audit', 'check_results') }}
