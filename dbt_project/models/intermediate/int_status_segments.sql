{# A person's labour-market status as non-overlapping segments up to the as-of date: the
   as-of-independent segments (int_person_status_segments) cut at the as-of date. The cut
   commutes with the overlap rule, since a period starting after the as-of date decides no
   day up to it. #}

{{ config(materialized='view') }}

select
    person_key,
    period_id,
    status,
    municipality_code,
    segment_start,
    least(segment_end, {{ as_of() }}) as segment_end,
    spell_start
from {{ ref('int_person_status_segments') }}
where segment_start <= {{ as_of() }}
