{# The rates a KPI target (seed kpi_targets) can name. Each is a share of the episodes that
   exited in the target's period: `observable` puts an exited episode in n (its outcome is
   observable on the as-of date), `success` in the numerator; `follow_up_days` is how long
   after the exit the outcome takes to become observable. Names follow the marts' columns. #}
{% macro target_kpis() %}
    {%- set kpis = {} -%}
    {%- set follow_up_columns = {
        'employed_open_within_30d': 30,
        'employed_open_3m': 91,
        'employed_open_6m': 182,
        'employed_open_12m': 365,
        'working_or_studying_12m': 365,
        'degree_education_within_6m': 182,
        'unemployed_again_within_3m': 91,
    } -%}
    {%- for column, days in follow_up_columns.items() -%}
        {%- do kpis.update({column ~ '_rate': {
            'observable': column ~ ' is not null', 'success': column, 'follow_up_days': days,
        }}) -%}
    {%- endfor -%}
    {%- do kpis.update({
        'employed_open_during_service_rate': {
            'observable': 'true', 'success': 'employed_open_during_service', 'follow_up_days': 0,
        },
        'fell_between_rate': {
            'observable': 'next_step_90d is not null',
            'success': "next_step_90d = 'NO_SERVICE_NO_WORK'",
            'follow_up_days': 90,
        },
        'onward_path_rate': {
            'observable': 'next_step_90d is not null',
            'success': "next_step_90d <> 'NO_SERVICE_NO_WORK'",
            'follow_up_days': 90,
        },
        'participation_improved_rate': {
            'observable': 'participation_change is not null',
            'success': 'participation_change >= 5',
            'follow_up_days': 0,
        },
    }) -%}
    {{ return(kpis) }}
{% endmacro %}
