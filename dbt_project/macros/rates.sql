{# Share with its 95 % Wilson score interval; NULL where nothing is observable (n = 0). #}
{% macro rate(successes, n) -%}
    case when {{ n }} > 0 then cast({{ successes }} as double) / {{ n }} end
{%- endmacro %}

{% macro wilson_bound(successes, n, sign) -%}
    {%- set z = var('wilson_z') -%}
    case when {{ n }} > 0 then
        (
            cast({{ successes }} as double) / {{ n }} + {{ z }} * {{ z }} / (2.0 * {{ n }})
            {{ sign }} {{ z }} * sqrt(
                (cast({{ successes }} as double) / {{ n }})
                * (1 - cast({{ successes }} as double) / {{ n }}) / {{ n }}
                + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})
            )
        ) / (1 + {{ z }} * {{ z }} / {{ n }})
    end
{%- endmacro %}

{# The rate, ci_low and ci_high columns for one outcome, named <prefix>_rate etc. #}
{% macro rate_columns(prefix, successes, n) -%}
    {{ rate(successes, n) }} as {{ prefix }}_rate,
    {{ wilson_bound(successes, n, '-') }} as {{ prefix }}_ci_low,
    {{ wilson_bound(successes, n, '+') }} as {{ prefix }}_ci_high
{%- endmacro %}
