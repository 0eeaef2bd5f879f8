{# Participation score per response: the mean of the answered items rescaled to 0-100,
   (mean - 1) / 4 * 100, rounded half up to 0.1; NULL with fewer than 8 answered items.
   Computed in integers so no rounding depends on floating point. The formula is versioned
   because THL's official conversion was not confirmed. A view: its one reader computes the
   scores in less time than writing a million rows every night took. #}

{{ config(materialized='view') }}

{%- set items = ['q01', 'q02', 'q03', 'q04', 'q05', 'q06', 'q07', 'q08', 'q09', 'q10'] %}

with responses as (
    select
        *,
        {% for q in items %}cast({{ q }} is not null as integer){% if not loop.last %} + {% endif %}{% endfor %}
            as answered_items,
        {% for q in items %}coalesce({{ q }}, 0){% if not loop.last %} + {% endif %}{% endfor %}
            as item_sum
    from {{ ref('stg_surveys__participation_responses') }}
    where response_date <= {{ as_of() }}
)

select
    response_id,
    person_key,
    service_period_id,
    business_id,
    response_date,
    measurement_point,
    answered_items,
    answered_items >= 8 as is_scorable,
    case
        when answered_items >= 8
            then ((500 * (item_sum - answered_items) + answered_items) // (2 * answered_items))
            / 10.0
    end as participation_score,
    '{{ var("participation_score_version") }}' as participation_score_version,
    work_ability
from responses
