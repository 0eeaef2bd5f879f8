"""Asset keys that code outside the asset modules refers to (the CLI report, tests).

Kept apart from the asset modules, which need the dbt manifest at import time."""

import dagster as dg

SNAPSHOT_KEY = dg.AssetKey(["published", "warehouse_snapshot"])
DICTIONARY_KEY = dg.AssetKey(["published", "data_dictionary"])
EXPORTS_KEY = dg.AssetKey(["exports", "leadership_exports"])
