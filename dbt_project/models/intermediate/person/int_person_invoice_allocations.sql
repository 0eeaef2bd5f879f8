{# The invoice lines with a person (invoiced by the as-of date) allocated to that person's
   service episodes; int_invoice_allocations adds the lines without a person and the
   contracts' areas. Amounts stay whole: one line, one episode (or none: unallocated).
   - BASE / CREDIT: the person's episode on the line's contract overlapping the billed period
     (the latest-starting one if several).
   - OUTCOME_BONUS: the episode the reconciliation looks for (int_bonus_claim_episodes).
   Incremental by person (macros/touched_persons.sql): a line depends on the as-of date only
   through its invoice date and the start dates of the episodes it may go to. #}

-- depends_on: {{ ref('stg_register__service_periods') }}

{{ config(
    meta={'touched_by': {
        'entities': [
            ['purchases', 'invoice_lines', ['invoice_id', 'line_no']],
            ['register', 'service_periods', ['service_period_id']],
        ],
        'as_of_dated': [
            ['stg_purchases__invoice_lines', 'invoice_date'],
            ['stg_register__service_periods', 'start_date'],
        ],
    }},
) }}

{%- set touched = touched_persons() %}

with lines as (
    select *
    from {{ ref('stg_purchases__invoice_lines') }}
    where person_key is not null
        and invoice_date <= {{ as_of() }}
        and {{ persons_filter(touched) }}
),

episodes as (
    select
        service_period_id,
        person_key,
        contract_id,
        start_date,
        coalesce(end_date, date '9999-12-31') as end_date
    from {{ ref('int_person_service_episodes') }}
    where contract_id is not null and {{ persons_filter(touched) }}
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
    where service_period_id is not null and {{ persons_filter(touched) }}
),

matches as (
    select invoice_id, line_no, service_period_id from person_matches where preference = 1
    union all
    select invoice_id, line_no, service_period_id from bonus_matches
)

select
    l.person_key,
    l.invoice_id,
    l.line_no,
    l.contract_id,
    l.line_type,
    l.invoice_date,
    cast(date_trunc('month', l.period_start) as date) as period_month,
    m.service_period_id,
    l.amount_eur as allocated_eur,
    {{ built_at() }}
from lines as l
left join matches as m on m.invoice_id = l.invoice_id and m.line_no = l.line_no
