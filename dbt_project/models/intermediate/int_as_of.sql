{# One row: the run's as-of date. Default: the latest updated_at in any delivered row
   (tombstones included), as the KPI specification says; $VAIKUTTAVUUS_AS_OF (YYYY-MM-DD,
   validated by the CLI) or the `as_of` var overrides it. #}
{%- set as_of_override = var('as_of', '') or env_var('VAIKUTTAVUUS_AS_OF', '') -%}
{%- set sources = [
    ('register', 'persons'), ('register', 'jobseeker_periods'), ('register', 'service_periods'),
    ('purchases', 'providers'), ('purchases', 'contracts'),
    ('purchases', 'contract_outcome_prices'), ('purchases', 'invoice_lines'),
    ('surveys', 'participation_responses'),
] -%}

with delivered as (
    {%- for source_name, table_name in sources %}
    select max(updated_at) as updated_at from {{ source(source_name, table_name) }}
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
)

select
    {%- if as_of_override %}
    cast('{{ as_of_override }}' as date) as as_of_date,
    {%- else %}
    cast(max(updated_at) as date) as as_of_date,
    {%- endif %}
    max(updated_at) as latest_updated_at,
    '{{ var("participation_score_version") }}' as participation_score_version
from delivered
