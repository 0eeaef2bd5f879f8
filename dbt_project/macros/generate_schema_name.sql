{# Schemas are the folder names (staging, intermediate, marts, audit, reference): analysts
   query marts.kpi_area_month, not main_marts.kpi_area_month. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
