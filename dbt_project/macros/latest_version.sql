{# Upsert semantics of the data contract: per key the row with the latest updated_at wins,
   ties go to the later delivery (then the later row); a winning tombstone removes the key.
   QUALIFY lets DuckDB keep the top row per key without sorting every version (about half
   the time of a window in a subquery on national data). Tombstones are filtered only after
   the winner is chosen: filtering first would let an older version win. #}
{% macro latest_version(relation, key_columns) %}
    select *
    from (
        select *
        from {{ relation }}
        qualify row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by updated_at desc, _delivery_id desc, _source_file desc, _row_no desc
        ) = 1
    ) as winners
    where not deleted
{% endmacro %}
