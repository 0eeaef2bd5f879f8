{# 1 for the episode a line belongs to when several match: the latest-starting one (the cost
   rules' "the latest-starting one if several"), ties by the highest service_period_id, so
   the cost allocation and the reconciliation break ties the same way. #}
{% macro latest_starting_rank(line, episode) -%}
    row_number() over (
        partition by {{ line }}.invoice_id, {{ line }}.line_no
        order by {{ episode }}.start_date desc, {{ episode }}.service_period_id desc
    )
{%- endmacro %}
