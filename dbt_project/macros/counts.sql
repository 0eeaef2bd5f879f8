{# Rows where `condition` is true, as bigint; 0 (not NULL) when it is never true or only NULL,
   which DuckDB's count_if would return as NULL or hugeint. #}
{% macro count_true(condition) -%}
    cast(coalesce(count_if({{ condition }}), 0) as bigint)
{%- endmacro %}
