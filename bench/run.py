"""Run the benchmarks: `.venv/bin/python bench/run.py [--quick] [--strict] [--case NAME]`.

Starts its own PostgreSQL (durable settings) and NATS under `.data/bench/`, runs every
registered case, prints a table and writes `bench/results.json`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.runner import main

    sys.exit(main())
