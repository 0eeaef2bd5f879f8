{# Operating models (toimintamallit) against the rest of their service category, pooled over
   all providers and areas, per target group: like is compared with like, the same category
   and the same target group. The baseline of a model is every other episode of the category
   and group (other models and no model); the row for episodes without a model
   (operating_model NULL) is compared with all the models of the category. #}

with episodes as (
    select
        f.service_category,
        f.operating_model,
        g.target_group,
        f.is_exited,
        f.employed_open_during_service,
        f.employed_open_6m
    from {{ ref('fct_service_episodes') }} as f
    inner join {{ ref('int_episode_target_groups') }} as g
        on g.service_period_id = f.service_period_id
),

cells as (
    select
        operating_model,
        service_category,
        target_group,
        count(*) as episodes,
        {{ count_true("is_exited") }} as exits,
        {{ count_true("is_exited and employed_open_during_service") }}
            as employed_open_during_service,
        count(employed_open_6m) as exits_observable_6m,
        {{ count_true("employed_open_6m") }} as employed_open_6m
    from episodes
    group by all
),

-- The rest of the category and group: its totals minus the cell's own.
with_baseline as (
    select
        *,
        cast(
            sum(exits_observable_6m) over (partition by service_category, target_group)
            - exits_observable_6m as bigint
        ) as baseline_exits_observable_6m,
        cast(
            sum(employed_open_6m) over (partition by service_category, target_group)
            - employed_open_6m as bigint
        ) as baseline_employed_open_6m
    from cells
),

rated as (
    select
        *,
        {{ rate_columns(
            'employed_open_during_service', 'employed_open_during_service', 'exits'
        ) }},
        {{ rate_columns('employed_open_6m', 'employed_open_6m', 'exits_observable_6m') }},
        {{ rate_columns(
            'baseline', 'baseline_employed_open_6m', 'baseline_exits_observable_6m',
            rate_name='baseline_rate'
        ) }}
    from with_baseline
)

select
    operating_model,
    service_category,
    target_group,
    episodes,
    exits,
    employed_open_during_service,
    employed_open_during_service_rate,
    employed_open_during_service_ci_low,
    employed_open_during_service_ci_high,
    exits_observable_6m,
    employed_open_6m,
    employed_open_6m_rate,
    employed_open_6m_ci_low,
    employed_open_6m_ci_high,
    baseline_exits_observable_6m,
    baseline_employed_open_6m,
    baseline_rate,
    baseline_ci_low,
    baseline_ci_high,
    employed_open_6m_rate - baseline_rate as difference,
    case
        -- Too few observable exits, or nothing to compare with.
        when exits_observable_6m < 30 or baseline_rate is null then 'INSUFFICIENT_DATA'
        when employed_open_6m_ci_low > baseline_rate then 'SCALE_CANDIDATE'
        when employed_open_6m_ci_high < baseline_rate then 'BELOW_BASELINE'
        else 'NO_CLEAR_DIFFERENCE'
    end as verdict,
    {{ as_of() }} as as_of_date
from rated
