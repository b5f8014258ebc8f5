"""``python -m contracts``: list subjects and their streams, or export schemas and AsyncAPI."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts import __version__
from contracts.export import write_all
from contracts.registry import all_events
from contracts.streams import stream_for


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m contracts", description="Shubbak event contracts.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="print every event subject with its stream")
    export = commands.add_parser("export", help="write JSON Schemas and asyncapi.json")
    export.add_argument(
        "--out",
        type=Path,
        default=Path("contracts-export"),
        metavar="DIR",
        help="output directory (default: ./contracts-export)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits 2 on bad arguments)."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        events = all_events()
        width = max(len(cls.subject) for cls in events)
        for cls in events:
            print(f"{cls.subject:<{width}}  {stream_for(cls.subject).name}")
        return 0
    written = write_all(args.out, __version__)
    for path in written:
        print(path)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return 0
