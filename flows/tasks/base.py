"""The one way to declare a pupilstats task.

Tasks hand each other paths, settings and aggregated tables, never a database connection
or pupil-level frames: pupil-level rows move between steps only inside the store. Results
are neither cached nor persisted (``NO_CACHE``, ``persist_result=False``), so nothing a
task returns is written to Prefect's database or result storage.
"""

from __future__ import annotations

from functools import partial

from prefect import task
from prefect.cache_policies import NO_CACHE

store_task = partial(task, cache_policy=NO_CACHE, persist_result=False)
