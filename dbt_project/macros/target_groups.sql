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
