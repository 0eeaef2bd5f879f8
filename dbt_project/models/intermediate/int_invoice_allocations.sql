{# Every invoice line (invoiced by the as-of date) split into allocations to service episodes,
   with the contract's area; an allocation without an episode is unallocated spend. The lines
   with a person come from int_person_invoice_allocations (incremental by person), the others
   from int_shared_invoice_allocations. A view: copying the millions of person-level rows
   into one table every night cost more than its readers pay to read both. #}

{{ config(materialized='view') }}

with allocated as (
    select
        invoice_id,
        line_no,
        contract_id,
        line_type,
        invoice_date,
        period_month,
        service_period_id,
        allocated_eur
    from {{ ref('int_person_invoice_allocations') }}
    union all
    select
        invoice_id,
        line_no,
        contract_id,
        line_type,
        invoice_date,
        period_month,
        service_period_id,
        allocated_eur
    from {{ ref('int_shared_invoice_allocations') }}
)

select
    a.invoice_id,
    a.line_no,
    a.contract_id,
    c.employment_area_code,
    a.line_type,
    a.invoice_date,
    a.period_month,
    a.service_period_id,
    a.allocated_eur
from allocated as a
left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = a.contract_id
