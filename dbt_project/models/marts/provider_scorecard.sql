{# Per provider, exit year and service: the episodes that exited in the year (a cohort), their
   outcomes, participation change and what they cost. In-house services (no provider) form
   their own rows with provider_business_id NULL, as the benchmark the purchases are compared
   with. Spend is the cost_eur of the cohort's episodes, so cost per customer and per outcome
   divide money and people of the same episodes. #}

with exits as (
    select
        *,
        year(end_date) as exit_year
    from {{ ref('fct_service_episodes') }}
    where is_exited
),

bonuses as (
    select
        service_period_id,
        sum(amount_eur) as bonus_claimed_eur,
        sum(amount_eur) filter (where verification_status = 'VERIFIED') as bonus_verified_eur
    from {{ ref('outcome_payment_reconciliation') }}
    where service_period_id is not null
    group by service_period_id
),

cohorts as (
    select
        x.provider_business_id,
        x.exit_year,
        x.service_code,
        min(x.provider_sector) as provider_sector,
        count(distinct x.person_key) as customers,
        count(*) as exits,
        count(x.employed_open_6m) as exits_observable_6m,
        {{ count_true("x.employed_open_6m") }} as employed_open_6m,
        count(x.working_or_studying_12m) as exits_observable_12m,
        {{ count_true("x.working_or_studying_12m") }} as working_or_studying_12m,
        count(x.unemployed_again_within_3m) as exits_observable_3m,
        {{ count_true("x.unemployed_again_within_3m") }} as unemployed_again_within_3m,
        count(x.participation_change) as participation_pairs,
        -- Summed in one order, so every build gives the same last digits.
        avg(x.participation_change order by x.service_period_id) as participation_mean_change,
        sum(x.cost_eur) as spend_eur,
        -- Cost of the exits whose 6-month outcome is known: the money behind the denominator
        -- of the employment rate, so recent cohorts do not inflate the cost per outcome.
        coalesce(sum(x.cost_eur) filter (where x.employed_open_6m is not null), 0)
            as spend_observable_6m_eur,
        coalesce(sum(b.bonus_claimed_eur), 0) as bonus_claimed_eur,
        coalesce(sum(b.bonus_verified_eur), 0) as bonus_verified_eur
    from exits as x
    left join bonuses as b on b.service_period_id = x.service_period_id
    group by x.provider_business_id, x.exit_year, x.service_code
)

select
    c.provider_business_id,
    p.name as provider_name,
    c.provider_sector,
    c.provider_business_id is null as is_in_house,
    c.exit_year,
    c.service_code,
    c.customers,
    c.exits,
    c.exits_observable_6m,
    c.employed_open_6m,
    {{ rate_columns('employed_open_6m', 'c.employed_open_6m', 'c.exits_observable_6m') }},
    c.exits_observable_12m,
    c.working_or_studying_12m,
    {{ rate_columns('working_or_studying_12m', 'c.working_or_studying_12m', 'c.exits_observable_12m') }},
    c.exits_observable_3m,
    c.unemployed_again_within_3m,
    {{ rate_columns('unemployed_again_within_3m', 'c.unemployed_again_within_3m', 'c.exits_observable_3m') }},
    c.participation_pairs,
    c.participation_mean_change,
    '{{ var("participation_score_version") }}' as participation_score_version,
    cast(c.spend_eur as decimal(18, 2)) as spend_eur,
    {{ eur_per('c.spend_eur', 'c.customers') }} as cost_per_customer_eur,
    {{ eur_per('c.spend_observable_6m_eur', 'c.employed_open_6m') }}
        as cost_per_employed_open_6m_eur,
    cast(c.bonus_claimed_eur as decimal(18, 2)) as bonus_claimed_eur,
    cast(c.bonus_verified_eur as decimal(18, 2)) as bonus_verified_eur,
    {{ as_of() }} as as_of_date
from cohorts as c
left join {{ ref('stg_purchases__providers') }} as p on p.business_id = c.provider_business_id
