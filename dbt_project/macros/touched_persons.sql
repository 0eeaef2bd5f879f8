{# Incremental person-level intermediates (int_person_*, models/intermediate/person, whose
   folder config in dbt_project.yml adds the hooks below): a nightly build recomputes only the
   people whose rows can have changed since these models were last built (their ledger,
   int_lake_files, records the lake files and the as-of date of that build):
   - people named in lake files added since, and the people this model holds for the keys
     those files carry (a key that moved to another person or was deleted); a model that
     does not hold an entity's keys takes the people of every version of those keys in the
     lake files taken in before instead;
   - people with a date the as-of date has moved across: a row dated between the last build's
     as-of date and this one's enters (or leaves) the as-of window.
   A model lists what it depends on in its config, meta.touched_by:
     entities: [[source, entity, [key columns]], ...]   the lake entities it reads
     as_of_dated: [[model, date column, [days, ...]], ...]
       the dates (plus each number of days; 0 if none given) the as-of date decides by, one
       scan per entry: each window is a range of the column itself, whose row groups DuckDB
       can skip
   It must not read anything else that can change (no dimension attributes: those are joined
   downstream; seeds are part of the dbt project, whose change makes the build a full one).
   The pre-hook delete_touched_persons() deletes the touched people's rows and the model's
   body selects theirs again (`where {{ persons_filter(touched) }}`), so a person with no rows
   left ends with none. #}

{# What a service episode (int_person_service_episodes) depends on, in the form of
   meta.touched_by: declared once for the models whose rows derive from whole episodes, so
   their touched people cannot drift apart. #}
{% macro service_episode_inputs() %}
    {{ return({
        'entities': [
            ['register', 'service_periods', ['service_period_id']],
            ['register', 'persons', ['person_key']],
            ['register', 'jobseeker_periods', ['period_id']],
        ],
        'as_of_dated': [['stg_register__service_periods', 'start_date']],
    }) }}
{% endmacro %}


{% macro touched_persons() %}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ledger = adapter.get_relation(this.database, 'intermediate', 'int_lake_files') -%}
    {%- if ledger is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set spec = config.get('meta')['touched_by'] -%}
    {%- set held_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set parts = [] -%}
    {%- for source_name, entity, keys in spec.get('entities', []) -%}
        {%- set files = new_lake_files(source_name, entity, 'intermediate', 'int_lake_files') -%}
        {%- if files is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- if files -%}
            {%- do parts.append(keys_in_files(files, 'person_key')) -%}
            {%- set holders = [this] -%}
            {%- if keys | reject('in', held_columns) | list -%}
                {%- set taken = taken_lake_files(source_name, entity, 'intermediate', 'int_lake_files') -%}
                {%- set holders = [read_lake_files(taken)] if taken else [] -%}
            {%- endif -%}
            {%- set keys = keys | join(', ') -%}
            {%- for holder in holders -%}
                {%- do parts.append(
                    'select person_key from ' ~ holder ~ ' where (' ~ keys ~ ') in ('
                    ~ keys_in_files(files, keys) ~ ')'
                ) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for dated in spec.get('as_of_dated', []) -%}
        {%- set earlier = 'least(' ~ previous_as_of() ~ ', ' ~ as_of() ~ ')' -%}
        {%- set later = 'greatest(' ~ previous_as_of() ~ ', ' ~ as_of() ~ ')' -%}
        {%- set column = dated[1] -%}
        {%- set windows = [] -%}
        {%- for days in (dated[2] if dated | length > 2 else [0]) -%}
            {%- do windows.append(
                column ~ ' between ' ~ earlier ~ ' + ' ~ (1 - days) ~ ' and ' ~ later ~ ' - ' ~ days
            ) -%}
        {%- endfor -%}
        {%- do parts.append(
            'select person_key from ' ~ ref(dated[0]) ~ ' where ' ~ windows | join(' or ')
        ) -%}
    {%- endfor -%}
    {%- if not parts -%}
        {{ return('select cast(null as varchar) as person_key where false') }}
    {%- endif -%}
    {%- set touched -%}
        select distinct person_key
        from (
            {{ parts | join('\n            union all\n            ') }}
        ) as touched
        where person_key is not null
    {%- endset -%}
    {{ return(touched) }}
{% endmacro %}


{# The touched people are written down before the pre-hook deletes their rows (the lookup of
   a key's previous person reads this model): the model's inputs are filtered by that list. #}
{% macro touched_persons_table() -%}
    {{ this.schema }}.{{ this.identifier }}__touched
{%- endmacro %}


{# `where`-clause for the model's inputs, given touched_persons(): only the touched people in
   a nightly build. A model asks for touched_persons() once and passes it to every filter. #}
{% macro persons_filter(touched) -%}
    {%- if touched is not none -%}
        person_key in (select person_key from {{ touched_persons_table() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{# Pre-hook of the int_person_* models in a nightly build: lists the touched people and
   removes their rows, which the model then appends again; removes every row when nothing
   can be trusted. The post-hook drops the list. #}
{% macro delete_touched_persons() %}
    {%- if is_incremental() -%}
        {%- set touched = touched_persons() -%}
        {%- if touched is not none -%}
            create or replace table {{ touched_persons_table() }} as {{ touched }};
        {%- endif %}
        delete from {{ this }} where {{ persons_filter(touched) }}
    {%- endif -%}
{% endmacro %}


{% macro drop_touched_persons() %}
    drop table if exists {{ touched_persons_table() }}
{% endmacro %}


{# When the build that computed a row started: a nightly build's rows show which people it
   recomputed. #}
{% macro built_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at
{%- endmacro %}


{# The as-of date of the last build of the person-level intermediates (their ledger), as a
   scalar expression; only asked for in a nightly build, when the ledger exists. #}
{% macro previous_as_of() -%}
    {%- set ledger = adapter.get_relation(this.database, 'intermediate', 'int_lake_files') -%}
    (select any_value(as_of_date) from {{ ledger }})
{%- endmacro %}


{# Pre-hook of a person-level intermediate with a row per day: in a nightly build, removes
   the rows dated after the as-of date (it can be set back). #}
{% macro delete_after_as_of(column) %}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ column }} > {{ as_of() }}
    {%- endif -%}
{% endmacro %}
