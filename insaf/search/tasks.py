"""Background jobs of search (Huey)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from insaf.search import proposals
from insaf.search.indexing import catch_up

# Where this consumer's walk through the stale entries stopped (see indexing.catch_up).
_STATE: dict[str, Any] = {}


@db_periodic_task(crontab(minute="*"))
@lock_task("search-catch-up")
def refresh_stale_entries() -> None:
    """Every minute, for INSAF_SEARCH_REFRESH_SECONDS: rewrite the search entries an older
    analyser, lexicon or release wrote (a lexicon change reaches older cases this way)."""
    if settings.INSAF_SEARCH_REFRESH_SECONDS:
        catch_up(settings.INSAF_SEARCH_REFRESH_SECONDS, _STATE)


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("search-term-proposals")
def propose_terms() -> None:
    """Every night: the lexicon terms proposed from the labels officers accepted, mined again
    (proposals.py)."""
    proposals.refresh()
