{# Upsert semantics of the data contract: per key (the model's unique_key) the row with the
   latest updated_at wins, ties go to the later delivery (then the later row); a winning
   tombstone removes the key. QUALIFY keeps the top row per key without sorting every version.
   Tombstones are filtered only after the winner is chosen: filtering first would let an older
   version win.

   Staging is incremental: a nightly build recomputes only the keys touched by the lake files
   added since the last build (lake_files.sql). A touched key's winner is chosen again from
   every version the lake holds, so the result is the full build's whatever order the
   versions arrived in. #}
{% macro latest_version(relation) %}
    {%- set keys = config.get('unique_key') | join(', ') -%}
    {%- set files = new_lake_files(relation.schema, relation.identifier) if is_incremental() else none -%}
    select *
    from (
        select *
        from {{ relation }}
        {%- if files is not none %}
        where ({{ keys }}) in ({{ keys_in_files(files, keys) }})
        {%- endif %}
        qualify row_number() over (
            partition by {{ keys }}
            order by updated_at desc, _delivery_id desc, _source_file desc, _row_no desc
        ) = 1
    ) as winners
    where not deleted
{% endmacro %}


{# Pre-hook of the staging models: an incremental build first removes the touched keys, whose
   winners the model then appends (a key whose winner is now a tombstone stays removed). The
   source is the one the model is named after (stg_<source>__<entity>). #}
{% macro delete_touched_keys() %}
    {%- if is_incremental() -%}
        {%- set source_name, entity = this.identifier[4:].split('__') -%}
        {%- set keys = config.get('unique_key') | join(', ') -%}
        {%- set files = new_lake_files(source_name, entity) -%}
        delete from {{ this }}
        {%- if files is not none %}
        where ({{ keys }}) in ({{ keys_in_files(files, keys) }})
        {%- endif %}
    {%- endif -%}
{% endmacro %}


{% macro keys_in_files(files, keys) -%}
    {%- if files -%}
        select distinct {{ keys }} from {{ read_lake_files(files) }}
    {%- else -%}
        select {{ keys }} from {{ this }} where false
    {%- endif -%}
{%- endmacro %}


{% macro read_lake_files(files) -%}
    read_parquet([
        {%- for file in files %}'{{ file | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor -%}
    ], union_by_name = true)
{%- endmacro %}
