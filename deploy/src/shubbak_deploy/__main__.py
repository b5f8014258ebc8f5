"""`python -m shubbak_deploy generate | render OVERLAY | check`.

generate  write the generated base from platform.toml and deploy/services.toml
render    print an overlay as one YAML stream (pipe it to `kubectl apply -f -`)
check     for every overlay: render, validate every object, apply the deployment rules;
          also that the generated base is up to date and the NATS values and collector
          config are sound; where kustomize v5+ is installed (kubectl's, or a kustomize binary),
          that it renders the very same objects, names included. Exit 1 on any problem
          (`make deploy-check`).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from shubbak_deploy import generate, kustomize, policy, realkustomize, sidecars, validate
from shubbak_deploy.platform import DEPLOY_DIR

OVERLAYS = DEPLOY_DIR / "overlays"
RELEASE_OVERLAYS = frozenset({"prod"})


def overlays() -> list[Path]:
    return sorted(p for p in OVERLAYS.iterdir() if (p / kustomize.KUSTOMIZATION_FILE).is_file())


def check_overlay(overlay: Path, version: str) -> tuple[list[str], Counter[str]]:
    objects = kustomize.build(overlay)
    problems = [p for obj in objects for p in validate.validate(obj, version)]
    problems += policy.check(objects, release=overlay.name in RELEASE_OVERLAYS)
    real = realkustomize.find()
    if real is not None:
        try:
            theirs = real.build(overlay)
            problems += [f"kustomize {real.version}: {p}" for p in realkustomize.differences(objects, theirs)]
        except RuntimeError as exc:
            problems.append(str(exc))
    return problems, Counter(o["kind"] for o in objects)


def check(version: str) -> int:
    failed = False
    stale = generate.stale()
    if stale:
        failed = True
        print(f"generated base is out of date: {', '.join(stale)} (run: python -m shubbak_deploy generate)")
    for name, problems in (("nats/values.yaml", sidecars.check_nats_values()), ("otel", sidecars.check_collector())):
        for problem in problems:
            print(f"{name}: {problem}")
        failed |= bool(problems)
    real = realkustomize.find()
    print(
        f"comparing with the real kustomize {real.version} ({' '.join(real.command)})"
        if real
        else "no kustomize v5+ here (kubectl or kustomize): rendering with ours alone"
    )
    for overlay in overlays():
        try:
            problems, kinds = check_overlay(overlay, version)
        except kustomize.KustomizeError as exc:
            problems, kinds = [f"render failed: {exc}"], Counter()
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        status = "FAIL" if problems else "ok"
        print(f"overlays/{overlay.name}: {status} ({sum(kinds.values())} objects, Kubernetes {version}: {summary})")
        for problem in problems:
            print(f"  {problem}")
        failed |= bool(problems)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shubbak_deploy", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="write the generated base")
    render = sub.add_parser("render", help="print an overlay as YAML")
    render.add_argument("overlay", help="dev, prod, or a path to a kustomization directory")
    chk = sub.add_parser("check", help="render and validate every overlay")
    chk.add_argument("--kubernetes-version", default=validate.KUBERNETES_VERSION)
    args = parser.parse_args(argv)
    if args.command == "generate":
        for path in generate.write():
            print(f"wrote {path.relative_to(DEPLOY_DIR.parent)}")
        return 0
    if args.command == "render":
        directory = Path(args.overlay) if Path(args.overlay).is_dir() else OVERLAYS / args.overlay
        sys.stdout.write(kustomize.dump(kustomize.build(directory)))
        return 0
    return check(args.kubernetes_version)


if __name__ == "__main__":
    sys.exit(main())
