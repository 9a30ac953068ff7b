"""Run every benchmark in bench/ (each a script with a main()) and collect their figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In this order; the other scripts here are their helpers (search_corpus.py generates data).
BENCHMARKS = ["audit", "intake", "search", "search_quality", "stemmers", "triage"]


def main() -> int:
    scripts = [HERE / f"{name}.py" for name in BENCHMARKS]
    failed = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    print(f"Figures written to {HERE / 'results'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
