#!/usr/bin/env bash
# Roll out an overlay with kubectl alone: migrations first, then everything else.
#   deploy/rollout.sh prod        (needs kubectl with access to the cluster, and .venv)
# With Argo CD this script is not needed: the migration Jobs are PreSync hooks there.
set -euo pipefail
overlay="${1:?usage: deploy/rollout.sh dev|prod}"
root="$(cd "$(dirname "$0")/.." && pwd)"
rendered="$(mktemp)"; trap 'rm -f "$rendered"' EXIT
PYTHONPATH="$root/deploy/src" "$root/.venv/bin/python" -m shubbak_deploy render "$overlay" > "$rendered"
PYTHONPATH="$root/deploy/src" "$root/.venv/bin/python" -m shubbak_deploy check
ns="$(awk '/^namespace:/ {print $2; exit}' "$root/deploy/overlays/$overlay/kustomization.yaml")"
migrations='app.kubernetes.io/component=migration'
# 1. Everything the Jobs need (settings, policies, databases), but not the new pods yet.
kubectl apply -f "$rendered" -l "app.kubernetes.io/component!=api,app.kubernetes.io/component!=migration"
# 2. The migrations of the new release (a Job's pod template is immutable: replace the old Jobs).
kubectl -n "$ns" delete job -l "$migrations" --ignore-not-found --wait=true
kubectl apply -f "$rendered" -l "$migrations"
kubectl -n "$ns" wait --for=condition=complete job -l "$migrations" --timeout=15m
# 3. The new pods; wait until every Deployment has rolled out.
kubectl apply -f "$rendered"
for deployment in $(kubectl -n "$ns" get deployment -l app.kubernetes.io/part-of=shubbak -o name); do
  kubectl -n "$ns" rollout status "$deployment" --timeout=10m
done
