{# Every configured target names a KPI that kpi_targets_vs_actual knows how to compute
   (macros/target_kpis.sql); a typo would otherwise show as INSUFFICIENT_DATA forever. #}
select target_id, kpi
from {{ ref('kpi_targets') }}
where kpi not in (
    {%- for kpi in target_kpis() %}'{{ kpi }}'{% if not loop.last %}, {% endif %}{% endfor -%}
)
