{# Dagster attaches a singular test to one asset; this one reads several models, so it names
   the mart whose figures it proves (the test is then the check unallocated_spend shows). #}
{{ config(meta={'dagster': {'ref': {'name': 'unallocated_spend'}}}) }}

{# Allocated plus unallocated spend equals the invoiced total to the cent, for every contract
   and month of the billed period: invoiced from the invoice lines, allocated from the
   allocations to the episodes of fct_service_episodes, unallocated from the unallocated_spend
   mart. A last check ties the episodes' cost_eur to the same total. Rows returned are what
   does not add up. #}
with invoiced as (
    select contract_id, cast(date_trunc('month', period_start) as date) as period_month,
        sum(amount_eur) as invoiced_eur
    from {{ ref('stg_purchases__invoice_lines') }}
    where invoice_date <= {{ as_of() }}
    group by all
),

allocated as (
    select a.contract_id, a.period_month, sum(a.allocated_eur) as allocated_eur
    from {{ ref('int_invoice_allocations') }} as a
    inner join {{ ref('fct_service_episodes') }} as f on f.service_period_id = a.service_period_id
    group by all
),

unallocated as (
    select contract_id, period_month, unallocated_eur
    from {{ ref('unallocated_spend') }}
),

per_contract_month as (
    select
        'contract-month' as check_level,
        contract_id,
        period_month,
        coalesce(i.invoiced_eur, 0) as invoiced_eur,
        coalesce(a.allocated_eur, 0) + coalesce(u.unallocated_eur, 0) as accounted_eur
    from invoiced as i
    full outer join allocated as a using (contract_id, period_month)
    full outer join unallocated as u using (contract_id, period_month)
),

episodes_total as (
    select
        'total, cost_eur of the episodes' as check_level,
        null as contract_id,
        null as period_month,
        (select coalesce(sum(invoiced_eur), 0) from invoiced) as invoiced_eur,
        (select coalesce(sum(cost_eur), 0) from {{ ref('fct_service_episodes') }})
        + (select coalesce(sum(unallocated_eur), 0) from unallocated) as accounted_eur
)

select * from per_contract_month where invoiced_eur <> accounted_eur
union all
select * from episodes_total where invoiced_eur <> accounted_eur
