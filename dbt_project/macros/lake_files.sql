{# Which lake files an incremental staging build has to take in. A file is its path, size and
   modification time, so a file rewritten in place counts as gone. The files are listed once,
   when a build starts (snapshot_lake_files), so the staging models and the ledger of files
   taken in (stg_lake_files, built after them) agree on the same list even if ingest adds a
   file meanwhile: that file waits for the next build. #}

{% macro snapshot_lake_files() %}
    {%- set lake = env_var('VAIKUTTAVUUS_LAKE_DIR', '../data/lake') -%}
    create schema if not exists staging;
    create or replace table staging.lake_files_at_start as
    select filename as file, size, last_modified
    from read_blob('{{ lake }}/*/*/*.parquet')
    where not starts_with(filename, '{{ lake }}/_')  -- the lake's own records (_audit)
{% endmacro %}


{# The entity's files listed at the start of this build that a ledger (by default staging's,
   stg_lake_files) does not hold, or none when the ledger cannot be trusted (no ledger yet, or
   a file it names has left the lake): then every key is recomputed. #}
{% macro new_lake_files(source_name, entity, ledger_schema='staging', ledger_name='stg_lake_files') %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set ledger = adapter.get_relation(this.database, ledger_schema, ledger_name) -%}
    {%- if ledger is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set folder = lake_folder(source_name, entity) -%}
    {%- set compared -%}
        with listed as (
            select * from staging.lake_files_at_start where starts_with(file, '{{ folder }}')
        ),
        taken as (
            select file, size, last_modified from {{ ledger }} where starts_with(file, '{{ folder }}')
        )
    {%- endset -%}
    {%- set vanished = run_query(compared ~ ' select count(*) from (from taken except from listed)') -%}
    {%- if vanished.rows[0][0] > 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set new = run_query(compared ~ ' select file from (from listed except from taken) order by file') -%}
    {{ return(new.columns[0].values() | list) }}
{% endmacro %}


{# The entity's files a ledger holds: the ones a build has taken in before. #}
{% macro taken_lake_files(source_name, entity, ledger_schema, ledger_name) %}
    {%- set taken = run_query(
        'select file from ' ~ ledger_schema ~ '.' ~ ledger_name
        ~ " where starts_with(file, '" ~ lake_folder(source_name, entity) ~ "') order by file"
    ) -%}
    {{ return(taken.columns[0].values() | list) }}
{% endmacro %}


{% macro lake_folder(source_name, entity) -%}
    {{ return(env_var('VAIKUTTAVUUS_LAKE_DIR', '../data/lake') ~ '/' ~ source_name ~ '/' ~ entity ~ '/') }}
{%- endmacro %}
