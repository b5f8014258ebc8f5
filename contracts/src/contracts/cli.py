"""``python -m contracts``: list subjects and their streams, export schemas and AsyncAPI, or
verify an evidence bundle offline (``verify BUNDLE``, with the ``verify`` extra)."""

import argparse
import json
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
    verify = commands.add_parser(
        "verify", help="check an evidence bundle offline: signatures, hash chain, Merkle proofs, seals"
    )
    verify.add_argument("bundle", type=Path, metavar="BUNDLE", help="the bundle (JSON) as exported")
    verify.add_argument(
        "--timestamping-keys",
        type=Path,
        metavar="JWKS",
        help="the archive's timestamping keys as you got them from the platform (default: the bundle's own)",
    )
    return parser


def _verify(bundle: Path, timestamping_keys: Path | None) -> int:
    """Print what was verified, or each thing that failed; 0 if the bundle holds, 1 if not."""
    try:
        from contracts.evidence import verify_bundle
        from contracts.signing import KeyRing
    except ImportError:
        print("verify needs the verify extra: pip install 'shubbak-contracts[verify]'", file=sys.stderr)
        return 2
    trusted = []
    if timestamping_keys is not None:
        trusted = list(KeyRing.from_jwks(json.loads(timestamping_keys.read_bytes())).keys.values())
    report = verify_bundle(bundle.read_bytes(), trusted_timestamping=trusted)
    if report.ok:
        producers = ", ".join(sorted(report.producers)) or "none"
        print(f"verified: {report.events} events, {report.seals} seals; signed by: {producers}")
        return 0
    for failure in report.failures:
        print(f"FAILED {failure}")
    print(f"{len(report.failures)} failures in {bundle}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits 2 on bad arguments)."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        events = all_events()
        width = max(len(cls.subject) for cls in events)
        for cls in events:
            print(f"{cls.subject:<{width}}  {stream_for(cls.subject).name}")
        return 0
    if args.command == "verify":
        return _verify(args.bundle, args.timestamping_keys)
    written = write_all(args.out, __version__)
    for path in written:
        print(path)
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return 0
