"""A synthetic civil registry extract from the command line:

    python -m identity.registry --people 100000 --out registry.csv \\
        [--marriages-out marriages.csv] [--seed 7] [--today 2025-06-01]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date
from pathlib import Path

from identity.registry.generate import write_csv
from kit.clock import local_day, utcnow


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m identity.registry", description="A synthetic registry extract.")
    parser.add_argument("--people", type=int, required=True, help="how many people (1,000 to 10,000,000)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write ('-' for stdout)")
    parser.add_argument("--marriages-out", type=Path, default=None, help="CSV file of the marriage records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the extract's day (default: today)")
    args = parser.parse_args(argv)
    if not 1 <= args.people <= 10_000_000:
        parser.error("--people must be between 1 and 10,000,000")
    today = args.today or local_day(utcnow())
    with contextlib.ExitStack() as files:
        out = (
            sys.stdout
            if str(args.out) == "-"
            else files.enter_context(args.out.open("w", encoding="utf-8", newline=""))
        )
        marriages = (
            files.enter_context(args.marriages_out.open("w", encoding="utf-8", newline=""))
            if args.marriages_out
            else None
        )
        count = write_csv(out, args.people, seed=args.seed, today=today, marriages=marriages)
    print(f"wrote {count} people to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
