{# The ledger of lake files the staging models have taken in: the files listed when this build
   started, recorded once every staging model has been built from them. A failed staging model
   leaves the ledger as it was, so the next build takes the same files in again. #}
{{ config(materialized='table') }}

-- depends_on: {{ ref('stg_register__persons') }}
-- depends_on: {{ ref('stg_register__jobseeker_periods') }}
-- depends_on: {{ ref('stg_register__service_periods') }}
-- depends_on: {{ ref('stg_purchases__providers') }}
-- depends_on: {{ ref('stg_purchases__contracts') }}
-- depends_on: {{ ref('stg_purchases__contract_outcome_prices') }}
-- depends_on: {{ ref('stg_purchases__invoice_lines') }}
-- depends_on: {{ ref('stg_surveys__participation_responses') }}

select file, size, last_modified from staging.lake_files_at_start
