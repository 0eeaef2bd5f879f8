{# Upsert semantics of the data contract: per key the row with the latest updated_at wins,
   ties go to the later delivery (then the later row); a winning tombstone removes the key. #}
{% macro latest_version(relation, key_columns) %}
    select * exclude (_version_rank)
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by updated_at desc, _delivery_id desc, _source_file desc, _row_no desc
            ) as _version_rank
        from {{ relation }}
    ) as versions
    where _version_rank = 1 and not deleted
{% endmacro %}
