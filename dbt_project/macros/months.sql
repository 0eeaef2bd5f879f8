{# The first day of every month from the month of `first_day` to the month of `last_day`,
   unnested: one row per month for each input row (none when last_day's month is earlier). #}
{% macro unnest_month_starts(first_day, last_day) -%}
    cast(unnest(generate_series(
        cast(date_trunc('month', {{ first_day }}) as timestamp),
        cast(date_trunc('month', {{ last_day }}) as timestamp),
        interval 1 month
    )) as date)
{%- endmacro %}
