{# The run's as-of date as a scalar expression. Nothing after it counts. #}
{% macro as_of() -%}
    (select as_of_date from {{ ref('int_as_of') }})
{%- endmacro %}
