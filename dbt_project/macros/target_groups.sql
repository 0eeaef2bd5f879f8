{# The KPI target groups as (name -> condition) over columns of `relation`; one output row per
   input row and target group it belongs to. A row can be in several groups. #}
{% macro target_group_rows(relation, conditions) %}
    {%- for group, condition in conditions.items() %}
    select *, '{{ group }}' as target_group from {{ relation }} where {{ condition }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endmacro %}


{# The target groups of the KPIs over a row's flags (is_youth, is_long_term_unemployed,
   has_partial_work_ability, is_foreign_language); ALL holds every row. #}
{% macro kpi_target_groups() %}
    {{ return({
        'ALL': 'true',
        'YOUTH': 'is_youth',
        'LONG_TERM_UNEMPLOYED': 'is_long_term_unemployed',
        'PARTIAL_WORK_ABILITY': 'has_partial_work_ability',
        'FOREIGN_LANGUAGE': 'is_foreign_language',
    }) }}
{% endmacro %}
