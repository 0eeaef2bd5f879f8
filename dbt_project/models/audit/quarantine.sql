{# Rows that broke a rule of the data contract, with the rule and a masked identifier. #}
select * from {{ source('lake_audit', 'quarantine') }}
