{# The ecosystem's mix per employment area and calendar year: how much of the area's
   customers, episodes and spend each provider sector (PUBLIC incl. in-house, NGO / järjestö,
   SOCIAL_ENTERPRISE / yhteiskunnallinen yritys, COMPANY) has, and its 6-month employment rate.
   Customers and episodes: episodes active in the year, in the area of their municipality.
   Spend: invoiced amounts by the year of the billed period, in the contract's buying area,
   by the sector of the contract's provider (unallocated spend included). Employment rate:
   the exits of the year. #}

with episodes as (
    select
        person_key,
        employment_area_code,
        provider_sector,
        start_date,
        least(coalesce(end_date, as_of_date), as_of_date) as observed_end,
        end_date,
        is_exited,
        employed_open_6m
    from {{ ref('fct_service_episodes') }}
),

active_years as (
    select
        *,
        unnest(range(year(start_date), year(observed_end) + 1)) as year
    from episodes
),

-- Per sector and per area in one pass over the episode-years (grouping sets).
activity_levels as (
    select
        employment_area_code,
        year,
        provider_sector,
        grouping(provider_sector) = 1 as is_area_total,
        count(distinct person_key) as customers,
        count(*) as episodes
    from active_years
    group by grouping sets (
        (employment_area_code, year, provider_sector), (employment_area_code, year)
    )
),

activity as (
    select employment_area_code, year, provider_sector, customers, episodes
    from activity_levels
    where not is_area_total
),

area_activity as (
    select employment_area_code, year, customers as area_customers, episodes as area_episodes
    from activity_levels
    where is_area_total
),

exit_outcomes as (
    select
        employment_area_code,
        year(end_date) as year,
        provider_sector,
        count(employed_open_6m) as exits_observable_6m,
        {{ count_true("employed_open_6m") }} as employed_open_6m
    from episodes
    where is_exited
    group by all
),

spend as (
    select
        a.employment_area_code,
        year(a.period_month) as year,
        p.sector as provider_sector,
        sum(a.allocated_eur) as spend_eur
    from {{ ref('int_invoice_allocations') }} as a
    left join {{ ref('stg_purchases__contracts') }} as c on c.contract_id = a.contract_id
    left join {{ ref('stg_purchases__providers') }} as p on p.business_id = c.business_id
    group by all
),

-- The three measures stacked and summed per area, year and sector: grouping matches NULL
-- sectors (provider unknown) with each other, as a join would not.
stacked as (
    select employment_area_code, year, provider_sector, customers, episodes,
        0 as spend_eur, 0 as exits_observable_6m, 0 as employed_open_6m
    from activity
    union all
    select employment_area_code, year, provider_sector, 0, 0, spend_eur, 0, 0
    from spend
    union all
    select employment_area_code, year, provider_sector, 0, 0, 0, exits_observable_6m,
        employed_open_6m
    from exit_outcomes
),

combined as (
    select
        k.employment_area_code,
        k.year,
        k.provider_sector,
        cast(sum(k.customers) as bigint) as customers,
        cast(sum(k.episodes) as bigint) as episodes,
        coalesce(any_value(t.area_customers), 0) as area_customers,
        coalesce(any_value(t.area_episodes), 0) as area_episodes,
        sum(k.spend_eur) as spend_eur,
        sum(sum(k.spend_eur)) over (partition by k.employment_area_code, k.year)
            as area_spend_eur,
        cast(sum(k.exits_observable_6m) as bigint) as exits_observable_6m,
        cast(sum(k.employed_open_6m) as bigint) as employed_open_6m
    from stacked as k
    left join area_activity as t
        on t.employment_area_code is not distinct from k.employment_area_code
        and t.year = k.year
    group by k.employment_area_code, k.year, k.provider_sector
)

select
    employment_area_code,
    year,
    provider_sector,
    customers,
    area_customers,
    {{ rate_columns('customer_share', 'customers', 'area_customers', rate_name='customer_share') }},
    episodes,
    area_episodes,
    {{ rate_columns('episode_share', 'episodes', 'area_episodes', rate_name='episode_share') }},
    cast(spend_eur as decimal(18, 2)) as spend_eur,
    cast(area_spend_eur as decimal(18, 2)) as area_spend_eur,
    case when area_spend_eur <> 0 then cast(spend_eur as double) / area_spend_eur end
        as spend_share,
    exits_observable_6m,
    employed_open_6m,
    {{ rate_columns('employed_open_6m', 'employed_open_6m', 'exits_observable_6m') }},
    {{ as_of() }} as as_of_date
from combined
