{# Allocated plus unallocated spend equals the invoiced total to the cent, for every contract
   and month of the billed period. Rows returned are the contract-months that do not add up. #}
with invoiced as (
    select contract_id, cast(date_trunc('month', period_start) as date) as period_month,
        sum(amount_eur) as invoiced_eur
    from {{ ref('stg_purchases__invoice_lines') }}
    where invoice_date <= {{ as_of() }}
    group by all
),

allocated as (
    select contract_id, period_month, sum(allocated_eur) as allocated_eur
    from {{ ref('int_invoice_allocations') }}
    group by all
)

select *
from invoiced as i
full outer join allocated as a using (contract_id, period_month)
where coalesce(i.invoiced_eur, 0) <> coalesce(a.allocated_eur, 0)
