"""What every Insaf process sets when it starts (the web server's workers, the command line and
the job consumer it runs): how often Python collects reference cycles.

Python's default starts a collection every 700 new container objects. Labelling and indexing
create many short-lived tuples, lists and dictionaries per text, and keep large caches of words
(the analyser's, the lexicon's, the triage model's table), which the older generations' collections
walk again and again: with the default, a third of the triage benchmark's time went to the cycle
collector (docs/decisions/0010-triage-speed.md). Reference counting still frees almost everything
at once; only cycles wait a little longer.
"""

from __future__ import annotations

import gc

GC_THRESHOLD = (50_000, 20, 20)


def tune_gc() -> None:
    gc.set_threshold(*GC_THRESHOLD)
