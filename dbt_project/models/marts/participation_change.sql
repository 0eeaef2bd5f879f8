{# Participation (osallisuusindikaattori) before and after, per provider, service, operating
   model and year of the END measurement: only episodes with both a START and an END score
   (pairs). Person-level scores stay in the warehouse's person-level tables; this mart holds
   group means only. In-house services have provider_business_id NULL; episodes without an
   operating model have operating_model NULL. #}

with pairs as (
    select
        e.provider_business_id,
        e.service_code,
        e.operating_model,
        year(p.participation_end_date) as end_year,
        p.service_period_id,
        p.participation_start_score,
        p.participation_end_score,
        p.participation_change
    from {{ ref('int_episode_participation') }} as p
    inner join {{ ref('int_service_episodes') }} as e on e.service_period_id = p.service_period_id
    where p.participation_change is not null
),

grouped as (
    select
        provider_business_id,
        service_code,
        operating_model,
        end_year,
        count(*) as pairs,
        -- Summed in one order, so every build gives the same last digits.
        avg(participation_start_score order by service_period_id) as mean_start,
        avg(participation_end_score order by service_period_id) as mean_end,
        avg(participation_change order by service_period_id) as mean_change,
        -- An improvement is a change of at least 5 points on the 0-100 scale.
        {{ count_true("participation_change >= 5") }} as improved
    from pairs
    group by provider_business_id, service_code, operating_model, end_year
)

select
    provider_business_id,
    service_code,
    operating_model,
    end_year,
    pairs,
    mean_start,
    mean_end,
    mean_change,
    improved,
    {{ rate_columns('share_improved', 'improved', 'pairs', rate_name='share_improved') }},
    '{{ var("participation_score_version") }}' as participation_score_version,
    {{ as_of() }} as as_of_date
from grouped
