"""Shubbak on Kubernetes: generate the kustomize base, render the overlays, validate offline."""
