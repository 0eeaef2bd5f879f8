{# Every OUTCOME_BONUS line invoiced by the as-of date, with the episode it belongs to: the
   person's latest-starting episode on the line's contract that started on or before the
   outcome date and ended no more than 90 days before it (or is still open). NULL = no such
   episode. The reconciliation (rule 2, NO_EPISODE) and the cost allocation both use it, so
   a bonus is always costed to the episode it is verified against. #}

with bonus_lines as (
    select
        invoice_id,
        line_no,
        contract_id,
        invoice_date,
        period_start,
        person_key,
        outcome_type,
        outcome_date,
        amount_eur
    from {{ ref('stg_purchases__invoice_lines') }}
    where line_type = 'OUTCOME_BONUS' and invoice_date <= {{ as_of() }}
),

candidate_episodes as (
    select
        b.invoice_id,
        b.line_no,
        e.service_period_id,
        {{ latest_starting_rank('b', 'e') }} as preference
    from bonus_lines as b
    inner join {{ ref('int_person_service_episodes') }} as e
        on e.contract_id = b.contract_id
        and e.person_key = b.person_key
        and e.start_date <= b.outcome_date
        and (e.end_date is null or e.end_date >= b.outcome_date - 90)
)

select
    b.*,
    c.service_period_id
from bonus_lines as b
left join candidate_episodes as c
    on c.invoice_id = b.invoice_id and c.line_no = b.line_no and c.preference = 1
