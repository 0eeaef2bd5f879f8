{# The people of `relation` (jobseeker periods: person_key, period_id, start_date, end_date;
   an open end is NULL or 9999-12-31) with a period starting before an earlier-starting one
   has ended: one sort per person, instead of comparing every pair of a person's periods. #}
{% macro persons_with_overlapping_periods(relation) %}
    select distinct person_key
    from (
        select
            person_key,
            start_date <= max(coalesce(end_date, date '9999-12-31')) over (
                partition by person_key order by start_date, period_id
                rows between unbounded preceding and 1 preceding
            ) as overlaps_an_earlier_period
        from {{ relation }}
    ) as checked
    where overlaps_an_earlier_period
{% endmacro %}
