{# Every row satisfies `expression` (rows where it is NULL pass: use coalesce to forbid).
   On a column the expression names the column itself; column_name is accepted, not used. #}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
