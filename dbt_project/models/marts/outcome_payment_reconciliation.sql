{# One row per OUTCOME_BONUS invoice line invoiced by the as-of date, with the verification
   status the register gives it: the first of the seven rules of kpis-and-marts.md that
   applies. Each rule's evidence is computed in its own CTE; the status is one `case` in the
   rules' order of precedence. #}

with claims as (
    select * from {{ ref('int_bonus_claim_episodes') }}
),

prices as (
    select contract_id, outcome_type, bonus_eur
    from {{ ref('stg_purchases__contract_outcome_prices') }}
),

-- Rule 3: an earlier line (invoice_date, then invoice_id, line_no) claimed the same person,
-- contract and outcome type, whatever status that earlier line itself gets.
claim_order as (
    select
        invoice_id,
        line_no,
        row_number() over (
            partition by person_key, contract_id, outcome_type
            order by invoice_date, invoice_id, line_no
        ) > 1 as is_repeat_claim
    from claims
    where person_key is not null
),

-- Rule 5: what the register shows around the outcome date (resolved statuses, nothing after
-- the as-of date: the segments end there).
register_statuses as (
    select
        c.invoice_id,
        c.line_no,
        bool_or(s.status = 'EMPLOYED_OPEN'
            and s.segment_start <= c.outcome_date + 14
            and s.segment_end >= c.outcome_date - 14) as employed_open_within_14d,
        bool_or(s.status = 'EMPLOYED_SUBSIDISED'
            and s.segment_start <= c.outcome_date + 14
            and s.segment_end >= c.outcome_date - 14) as employed_subsidised_within_14d,
        bool_or(s.status = 'EMPLOYED_OPEN'
            and c.outcome_date between s.segment_start and s.segment_end)
            as employed_open_on_outcome_date,
        bool_or(s.status = 'EMPLOYED_OPEN'
            and c.outcome_date + 182 between s.segment_start and s.segment_end)
            as employed_open_182d_later
    from claims as c
    inner join {{ ref('int_status_segments') }} as s on s.person_key = c.person_key
    group by c.invoice_id, c.line_no
),

-- An IN_EDUCATION period *starting* near the outcome date: the register's own periods, as
-- for degree_education_within_6m (a resolved segment can "start" when a period resumes).
education_starts as (
    select distinct c.invoice_id, c.line_no
    from claims as c
    inner join {{ ref('stg_register__jobseeker_periods') }} as p
        on p.person_key = c.person_key
        and p.status = 'IN_EDUCATION'
        and p.start_date between c.outcome_date - 14 and c.outcome_date + 14
        and p.start_date <= {{ as_of() }}
),

evidence as (
    select
        c.*,
        p.bonus_eur as contract_bonus_eur,
        coalesce(o.is_repeat_claim, false) as is_repeat_claim,
        coalesce(
            case c.outcome_type
                when 'EMPLOYED_OPEN' then r.employed_open_within_14d
                when 'SUBSIDISED_EMPLOYMENT' then r.employed_subsidised_within_14d
                when 'DEGREE_EDUCATION_START' then es.invoice_id is not null
                when 'EMPLOYED_OPEN_SUSTAINED_6M'
                    then r.employed_open_on_outcome_date and r.employed_open_182d_later
            end,
            false
        ) as is_in_register
    from claims as c
    left join prices as p on p.contract_id = c.contract_id and p.outcome_type = c.outcome_type
    left join claim_order as o on o.invoice_id = c.invoice_id and o.line_no = c.line_no
    left join register_statuses as r on r.invoice_id = c.invoice_id and r.line_no = c.line_no
    left join education_starts as es on es.invoice_id = c.invoice_id and es.line_no = c.line_no
)

select
    e.invoice_id,
    e.line_no,
    e.invoice_date,
    e.contract_id,
    k.business_id as provider_business_id,
    k.employment_area_code,
    e.person_key,
    e.service_period_id,
    e.outcome_type,
    e.outcome_date,
    e.amount_eur,
    e.contract_bonus_eur,
    case
        when e.contract_bonus_eur is null then 'NOT_IN_CONTRACT'
        when e.service_period_id is null then 'NO_EPISODE'
        when e.is_repeat_claim then 'DUPLICATE_CLAIM'
        when e.outcome_type = 'EMPLOYED_OPEN_SUSTAINED_6M'
            and e.outcome_date + 182 > {{ as_of() }} then 'PREMATURE'
        when not e.is_in_register then 'NOT_IN_REGISTER'
        when abs(e.amount_eur - e.contract_bonus_eur) > 0.01 then 'AMOUNT_MISMATCH'
        else 'VERIFIED'
    end as verification_status,
    {{ as_of() }} as as_of_date
from evidence as e
left join {{ ref('stg_purchases__contracts') }} as k on k.contract_id = e.contract_id
