{# The invoice lines without a person (invoiced by the as-of date), allocated:
   - BASE / CREDIT: to the contract's episodes active in the billed period, in proportion to
     their active days within it, in whole cents (largest remainder), so the allocations of a
     line always add up to the line to the cent.
   - OUTCOME_BONUS: unallocated.
   A few hundred lines nationally, but each is shared over thousands of episodes, and a new
   episode in a billed period changes every share of its lines: rebuilt in full.
   int_invoice_allocations puts them beside the person-level lines. #}

with shared_lines as (
    select *, cast(amount_eur * 100 as bigint) as amount_cents
    from {{ ref('stg_purchases__invoice_lines') }}
    where person_key is null and invoice_date <= {{ as_of() }}
),

episodes as (
    select
        service_period_id,
        contract_id,
        start_date,
        coalesce(end_date, date '9999-12-31') as end_date
    from {{ ref('int_person_service_episodes') }}
    where contract_id in (select contract_id from shared_lines)
),

shared_matches as materialized (
    select
        l.invoice_id,
        l.line_no,
        e.service_period_id,
        least(e.end_date, l.period_end) - greatest(e.start_date, l.period_start) + 1
            as active_days
    from shared_lines as l
    inner join episodes as e
        on e.contract_id = l.contract_id
        and e.start_date <= l.period_end
        and e.end_date >= l.period_start
    where l.line_type in ('BASE', 'CREDIT')
),

-- Per line its total active days and whole cents before the remainders: aggregates over a few
-- hundred lines, joined back, where windows over the 2 M shares cost three partitionings.
line_days as (
    select invoice_id, line_no, sum(active_days) as total_days
    from shared_matches
    group by invoice_id, line_no
),

shared_shares as materialized (
    select
        m.*,
        abs(l.amount_cents) as line_cents,
        sign(l.amount_cents) as line_sign,
        line_cents * m.active_days // d.total_days as floor_cents,
        line_cents * m.active_days % d.total_days as remainder
    from shared_matches as m
    inner join shared_lines as l on l.invoice_id = m.invoice_id and l.line_no = m.line_no
    inner join line_days as d on d.invoice_id = m.invoice_id and d.line_no = m.line_no
),

line_leftovers as (
    select invoice_id, line_no, any_value(line_cents) - sum(floor_cents) as leftover_cents
    from shared_shares
    group by invoice_id, line_no
),

shared_allocations as (
    select
        s.invoice_id,
        s.line_no,
        s.service_period_id,
        s.line_sign * (
            s.floor_cents
            + case
                when row_number() over (
                    partition by s.invoice_id, s.line_no
                    order by s.remainder desc, s.service_period_id
                ) <= o.leftover_cents
                    then 1
                else 0
            end
        ) as allocated_cents
    from shared_shares as s
    inner join line_leftovers as o on o.invoice_id = s.invoice_id and o.line_no = s.line_no
)

select
    l.invoice_id,
    l.line_no,
    l.contract_id,
    l.line_type,
    l.invoice_date,
    cast(date_trunc('month', l.period_start) as date) as period_month,
    a.service_period_id,
    cast(coalesce(a.allocated_cents, l.amount_cents) * 0.01 as decimal(18, 2)) as allocated_eur
from shared_lines as l
left join shared_allocations as a on a.invoice_id = l.invoice_id and a.line_no = l.line_no
