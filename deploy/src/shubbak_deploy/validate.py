"""Validate rendered objects offline: built-in kinds against the Kubernetes JSON Schemas that
the kubernetes-validate package ships (strict: unknown fields fail, required fields must be
there), custom resources against the closed schemas in schemas/*.yaml (CloudNativePG, Gateway
API, Prometheus Operator). A kind with no schema is an error."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

KUBERNETES_VERSION = "1.37"
"""The release validated against: the newest one the pinned kubernetes-validate ships."""

CRD_SCHEMAS = Path(__file__).resolve().parent / "schemas"


def validate(obj: dict[str, Any], version: str = KUBERNETES_VERSION) -> list[str]:
    """Every problem with `obj`, as "Kind/name: path: message" lines; empty when valid."""
    name = f"{obj.get('kind', '?')}/{obj.get('metadata', {}).get('name', '?')}"
    if not isinstance(obj.get("apiVersion"), str) or not isinstance(obj.get("kind"), str):
        return [f"{name}: apiVersion and kind are required"]
    validator = _crd_validator(obj["apiVersion"], obj["kind"]) or _kubernetes_validator(
        version, obj["apiVersion"], obj["kind"]
    )
    if validator is None:
        return [f"{name}: no schema for {obj['apiVersion']} {obj['kind']} (Kubernetes {version})"]
    return [
        f"{name}: {'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
    ]


@cache
def _kubernetes_validator(version: str, api_version: str, kind: str) -> jsonschema.Validator | None:
    folder = _schema_folder(version)
    # rbac.authorization.k8s.io/v1 -> rbac-v1, apps/v1 -> apps-v1, v1 -> v1
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    file = folder.joinpath(f"{kind.lower()}-{group_version}.json")
    if not file.is_file():
        return None
    schema = json.loads(file.read_text(encoding="utf-8"))
    registry = Resource.from_contents(_definitions(version)) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


@cache
def _definitions(version: str) -> dict[str, Any]:
    return json.loads(_schema_folder(version).joinpath("_definitions.json").read_text(encoding="utf-8"))


def _schema_folder(version: str) -> Any:
    folder = resources.files("kubernetes_validate").joinpath("kubernetes-json-schema", f"v{version}.0-local-strict")
    if not folder.is_dir():
        raise LookupError(f"kubernetes-validate has no schemas for Kubernetes {version}")
    return folder


@cache
def _crd_schemas() -> dict[str, Any]:
    """Every file's `kinds` and `$defs`, merged (a name defined twice is a mistake)."""
    merged: dict[str, Any] = {"kinds": {}, "$defs": {}}
    for path in sorted(CRD_SCHEMAS.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("kinds", "$defs"):
            twice = set(merged[section]) & set(spec.get(section, {}))
            if twice:
                raise ValueError(f"{path.name}: {section} {sorted(twice)} already defined")
            merged[section].update(spec.get(section, {}))
    return merged


@cache
def _crd_validator(api_version: str, kind: str) -> jsonschema.Validator | None:
    spec = _crd_schemas()
    schema = spec["kinds"].get(f"{api_version}/{kind}")
    if schema is None:
        return None
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "$defs": spec["$defs"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)
