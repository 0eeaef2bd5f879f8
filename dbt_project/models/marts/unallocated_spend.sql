{# Per contract and month of the billed period (period_start): what was invoiced by the as-of
   date, what the cost-allocation rules gave to service episodes and what they could not
   (unallocated). Invoiced comes from the invoice lines themselves, not from the allocations,
   so allocated + unallocated = invoiced is a real check (tests/assert_allocations_...). #}

with invoiced as (
    select
        contract_id,
        cast(date_trunc('month', period_start) as date) as period_month,
        count(*) as invoice_lines,
        sum(amount_eur) as invoiced_eur
    from {{ ref('stg_purchases__invoice_lines') }}
    where invoice_date <= {{ as_of() }}
    group by all
),

allocations as (
    select
        contract_id,
        period_month,
        sum(allocated_eur) filter (where service_period_id is not null) as allocated_eur,
        sum(allocated_eur) filter (where service_period_id is null) as unallocated_eur,
        -- A line is split only among episodes, so an unallocated line is one row.
        count(*) filter (where service_period_id is null) as unallocated_lines
    from {{ ref('int_invoice_allocations') }}
    group by all
)

select
    i.contract_id,
    i.period_month,
    c.employment_area_code,
    c.business_id as provider_business_id,
    c.service_code,
    i.invoice_lines,
    cast(i.invoiced_eur as decimal(18, 2)) as invoiced_eur,
    cast(coalesce(a.allocated_eur, 0) as decimal(18, 2)) as allocated_eur,
    cast(coalesce(a.unallocated_eur, 0) as decimal(18, 2)) as unallocated_eur,
    coalesce(a.unallocated_lines, 0) as unallocated_lines,
    {{ as_of() }} as as_of_date
from invoiced as i
left join allocations as a using (contract_id, period_month)
left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = i.contract_id
