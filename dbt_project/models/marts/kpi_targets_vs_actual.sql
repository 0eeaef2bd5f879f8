{# Each configured target (seed kpi_targets) against the actual value of its KPI: the share of
   the episodes that exited in the target's period, in the target's employment area (or all),
   whose persons were in every listed target group at the episode's start. The KPIs and what
   puts an episode in n and in the numerator are listed in macros/target_kpis.sql. #}

{%- set kpis = target_kpis() %}

with targets as (
    select * from {{ ref('kpi_targets') }}
),

exited as (
    select * from {{ ref('fct_service_episodes') }}
    where is_exited and cast(year(end_date) as varchar) in (select period from targets)
),

-- The target groups of those episodes only: listing every episode's groups first costs more
-- than the rest of the model.
exits as (
    select
        e.*,
        g.target_groups
    from exited as e
    inner join (
        select service_period_id, list(target_group) as target_groups
        from {{ ref('int_episode_target_groups') }}
        semi join exited using (service_period_id)
        group by service_period_id
    ) as g on g.service_period_id = e.service_period_id
),

-- One row per exited episode and KPI whose outcome is observable, for the KPIs and periods
-- the targets name (the rest would join none).
kpi_observations as (
    {%- for kpi, definition in kpis.items() %}
    select
        '{{ kpi }}' as kpi,
        employment_area_code,
        cast(year(end_date) as varchar) as period,
        target_groups,
        coalesce({{ definition.success }}, false) as is_success
    from exits
    where {{ definition.observable }} and '{{ kpi }}' in (select kpi from targets)
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

follow_up as (
    select * from (values
        {%- for kpi, definition in kpis.items() %}
        ('{{ kpi }}', {{ definition.follow_up_days }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as v (kpi, follow_up_days)
),

actuals as (
    select
        t.target_id,
        count(o.kpi) as n,
        {{ count_true("o.is_success") }} as successes
    from targets as t
    left join kpi_observations as o
        on o.kpi = t.kpi
        and o.period = t.period
        and (
            lower(t.employment_area_code) = 'all'
            or o.employment_area_code = try_cast(t.employment_area_code as integer)
        )
        -- "A+B" means persons in both groups.
        and list_has_all(o.target_groups, string_split(t.target_group, '+'))
    group by t.target_id
),

rated as (
    select
        t.*,
        a.n,
        a.successes,
        {{ rate_columns('actual', 'a.successes', 'a.n', rate_name='actual_value') }},
        make_date(cast(t.period as integer), 12, 31) + coalesce(f.follow_up_days, 0)
            <= {{ as_of() }} as is_period_final
    from targets as t
    inner join actuals as a on a.target_id = t.target_id
    left join follow_up as f on f.kpi = t.kpi
)

select
    target_id,
    employment_area_code,
    kpi,
    target_group,
    period,
    target_value,
    direction,
    description_fi,
    source,
    actual_value,
    n,
    successes,
    actual_ci_low,
    actual_ci_high,
    case
        when n < 30 then 'INSUFFICIENT_DATA'
        when direction = 'at_least' and actual_value >= target_value then 'MET'
        when direction = 'at_most' and actual_value <= target_value then 'MET'
        else 'NOT_MET'
    end as status,
    is_period_final,
    {{ as_of() }} as as_of_date
from rated
