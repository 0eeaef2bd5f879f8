{# One row per delivered file: what was read, loaded, quarantined or rejected. #}
select * from {{ source('lake_audit', 'load_log') }}
