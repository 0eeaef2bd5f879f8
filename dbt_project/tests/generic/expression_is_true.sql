{# Every row satisfies `expression` (rows where it is NULL pass: use coalesce to forbid). #}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
