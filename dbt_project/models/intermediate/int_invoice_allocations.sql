{# Every invoice line (invoiced by the as-of date) split into allocations to service episodes;
   an allocation without an episode is unallocated spend. Amounts are split in whole cents
   (largest remainder), so the allocations of a line always add up to the line to the cent.
   - BASE / CREDIT with a person: that person's episode on the line's contract overlapping the
     billed period (the latest-starting one if several).
   - BASE / CREDIT without a person: the contract's episodes active in the billed period, in
     proportion to their active days within it.
   - OUTCOME_BONUS: the episode the reconciliation looks for (int_bonus_claim_episodes): the
     person's latest-starting episode on the contract that started on or before the outcome
     date and ended no more than 90 days before it (or is still open). #}

with lines as (
    select
        l.*,
        c.employment_area_code,
        cast(l.amount_eur * 100 as bigint) as amount_cents
    from {{ ref('stg_purchases__invoice_lines') }} as l
    left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = l.contract_id
    where l.invoice_date <= {{ as_of() }}
),

episodes as (
    select
        service_period_id,
        person_key,
        contract_id,
        start_date,
        coalesce(end_date, date '9999-12-31') as end_date
    from {{ ref('int_service_episodes') }}
    where contract_id is not null
),

person_matches as (
    select
        l.invoice_id,
        l.line_no,
        e.service_period_id,
        {{ latest_starting_rank('l', 'e') }} as preference
    from lines as l
    inner join episodes as e
        on e.contract_id = l.contract_id
        and e.person_key = l.person_key
        and e.start_date <= l.period_end
        and e.end_date >= l.period_start
    where l.line_type in ('BASE', 'CREDIT')
),

-- A bonus goes to the episode its verification looks at, whatever the verification says.
bonus_matches as (
    select invoice_id, line_no, service_period_id, 1 as preference
    from {{ ref('int_bonus_claim_episodes') }}
    where service_period_id is not null
),

shared_matches as (
    select
        l.invoice_id,
        l.line_no,
        e.service_period_id,
        least(e.end_date, l.period_end) - greatest(e.start_date, l.period_start) + 1
            as active_days
    from lines as l
    inner join episodes as e
        on e.contract_id = l.contract_id
        and e.start_date <= l.period_end
        and e.end_date >= l.period_start
    where l.line_type in ('BASE', 'CREDIT') and l.person_key is null
),

shared_shares as (
    select
        m.*,
        abs(l.amount_cents) as line_cents,
        sign(l.amount_cents) as line_sign,
        sum(m.active_days) over (partition by m.invoice_id, m.line_no) as total_days
    from shared_matches as m
    inner join lines as l on l.invoice_id = m.invoice_id and l.line_no = m.line_no
),

shared_ranked as (
    select
        *,
        (line_cents * active_days) // total_days as floor_cents,
        row_number() over (
            partition by invoice_id, line_no
            order by (line_cents * active_days) % total_days desc, service_period_id
        ) as remainder_rank
    from shared_shares
),

shared_allocations as (
    select
        invoice_id,
        line_no,
        service_period_id,
        line_sign * (
            floor_cents
            + case
                when remainder_rank
                    <= line_cents - sum(floor_cents) over (partition by invoice_id, line_no)
                    then 1
                else 0
            end
        ) as allocated_cents
    from shared_ranked
),

allocations as (
    select invoice_id, line_no, service_period_id, allocated_cents from shared_allocations
    union all
    select m.invoice_id, m.line_no, m.service_period_id, l.amount_cents
    from (
        select * from person_matches
        union all
        select * from bonus_matches
    ) as m
    inner join lines as l on l.invoice_id = m.invoice_id and l.line_no = m.line_no
    where m.preference = 1
),

unallocated as (
    select l.invoice_id, l.line_no, cast(null as varchar) as service_period_id, l.amount_cents
    from lines as l
    where not exists (
        select 1 from allocations as a
        where a.invoice_id = l.invoice_id and a.line_no = l.line_no
    )
)

select
    l.invoice_id,
    l.line_no,
    l.contract_id,
    l.employment_area_code,
    l.line_type,
    l.invoice_date,
    cast(date_trunc('month', l.period_start) as date) as period_month,
    a.service_period_id,
    cast(a.allocated_cents * 0.01 as decimal(18, 2)) as allocated_eur
from (
    select * from allocations
    union all
    select * from unallocated
) as a
inner join lines as l on l.invoice_id = a.invoice_id and l.line_no = a.line_no
