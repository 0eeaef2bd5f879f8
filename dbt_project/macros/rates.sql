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

{# The rate, ci_low and ci_high columns for one outcome, named <prefix>_rate, <prefix>_ci_low
   and <prefix>_ci_high; `rate_name` renames the first where the spec names the share itself
   (participation_change.share_improved). #}
{% macro rate_columns(prefix, successes, n, rate_name=none) -%}
    {{ rate(successes, n) }} as {{ rate_name or prefix ~ '_rate' }},
    {{ wilson_bound(successes, n, '-') }} as {{ prefix }}_ci_low,
    {{ wilson_bound(successes, n, '+') }} as {{ prefix }}_ci_high
{%- endmacro %}

{# amount / count in euros as decimal(18, 2), rounded half away from zero to the cent in
   integer cents (decimal division would go through double); NULL when count is not > 0. #}
{% macro eur_per(amount, count) -%}
    case when {{ count }} > 0 then cast(
        cast(
            sign({{ amount }})
            * ((2 * abs(cast({{ amount }} * 100 as hugeint)) + {{ count }}) // (2 * {{ count }}))
            as decimal(18, 0)
        ) * 0.01 as decimal(18, 2)
    ) end
{%- endmacro %}
