"""A small kustomize: renders a kustomization directory to a list of objects, offline.

kustomize is not on PyPI, so this renders the subset the Shubbak manifests use, with the same
file format (so `kubectl apply -k` gives the same objects): `resources` (files and
directories), `namespace`, `labels`, `configMapGenerator` (literals, files, `behavior: merge`
in an overlay, content-hash name suffix and reference fix-up), `patches` (strategic merge,
from a file or inline, with an optional `target`), `images` and `replicas`.
Anything else in a kustomization is refused rather than silently ignored.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]

KUSTOMIZATION_FILE = "kustomization.yaml"
SUPPORTED_KEYS = frozenset(
    {"apiVersion", "kind", "namespace", "labels", "resources", "configMapGenerator", "patches", "images", "replicas"}
)
CLUSTER_SCOPED = frozenset(
    {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "StorageClass"}
)
_GENERATED = "__generated__"
SCALABLE = frozenset({"Deployment", "StatefulSet", "ReplicaSet"})
# Strategic merge: lists of objects merged by this key (the Kubernetes patchMergeKey); others are replaced.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
    "topologySpreadConstraints": "topologyKey",
    "ports": "containerPort",
}


class KustomizeError(ValueError):
    """The kustomization cannot be rendered (unknown key, missing file, patch without a target...)."""


def build(directory: Path) -> list[Obj]:
    """Render `directory` (which holds a kustomization.yaml) to its objects, in a stable order."""
    objects = _build(directory.resolve(), stack=())
    _finish_generated(objects)
    return objects


def _build(directory: Path, stack: tuple[Path, ...]) -> list[Obj]:
    if directory in stack:
        raise KustomizeError(f"cycle in resources: {' -> '.join(map(str, (*stack, directory)))}")
    file = directory / KUSTOMIZATION_FILE
    if not file.is_file():
        raise KustomizeError(f"no {KUSTOMIZATION_FILE} in {directory}")
    spec = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(spec) - SUPPORTED_KEYS)
    if unknown:
        raise KustomizeError(f"{file}: unsupported keys {unknown}")
    objects: list[Obj] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        if path.is_dir():
            objects.extend(_build(path.resolve(), (*stack, directory)))
        elif path.is_file():
            objects.extend(load_documents(path))
        else:
            raise KustomizeError(f"{file}: resource {entry!r} not found")
    _check_unique(objects, file)
    for generator in spec.get("configMapGenerator", []):
        _generate_config_map(objects, generator, directory)
    for patch in spec.get("patches", []):
        _apply_patch(objects, patch, directory)
    if "namespace" in spec:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj.setdefault("metadata", {})["namespace"] = spec["namespace"]
    for label in spec.get("labels", []):
        _add_labels(objects, label)
    for image in spec.get("images", []):
        _set_image(objects, image)
    for entry in spec.get("replicas", []):
        _set_replicas(objects, entry, file)
    return objects


def load_documents(path: Path) -> list[Obj]:
    docs = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc or "metadata" not in doc:
            raise KustomizeError(f"{path}: every document needs kind and metadata")
    return docs


def key(obj: Obj) -> tuple[str, str, str]:
    meta = obj.get("metadata", {})
    return obj["kind"], meta.get("namespace", ""), meta["name"]


def _check_unique(objects: list[Obj], file: Path) -> None:
    seen: set[tuple[str, str, str]] = set()
    for obj in objects:
        if key(obj) in seen:
            raise KustomizeError(f"{file}: {key(obj)} defined twice")
        seen.add(key(obj))


# --- configMapGenerator -------------------------------------------------------------------


def _generate_config_map(objects: list[Obj], generator: Obj, directory: Path) -> None:
    name = generator["name"]
    data: dict[str, str] = {}
    for literal in generator.get("literals", []):
        k, sep, v = literal.partition("=")
        if not sep:
            raise KustomizeError(f"configMapGenerator {name}: literal {literal!r} has no '='")
        data[k] = v
    for entry in generator.get("files", []):
        k, sep, rel = entry.partition("=")
        path = directory / (rel if sep else k)
        if not path.is_file():
            raise KustomizeError(f"configMapGenerator {name}: file {path} not found")
        data[k if sep else path.name] = path.read_text(encoding="utf-8")
    behavior = generator.get("behavior", "create")
    options = generator.get("options", {})
    unknown = sorted(set(options) - {"labels", "annotations", "disableNameSuffixHash"})
    if unknown:
        raise KustomizeError(f"configMapGenerator {name}: unsupported options {unknown}")
    existing = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name and _GENERATED in o]
    if behavior == "create":
        if existing:
            raise KustomizeError(f"configMapGenerator {name}: already generated (use behavior: merge)")
        metadata: Obj = {"name": name}
        for field in ("labels", "annotations"):
            if options.get(field):
                metadata[field] = {k: str(v) for k, v in options[field].items()}
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": metadata,
                "data": data,
                _GENERATED: not options.get("disableNameSuffixHash", False),
            }
        )
    elif behavior in ("merge", "replace"):
        if not existing:
            raise KustomizeError(f"configMapGenerator {name}: behavior {behavior} but no base generates it")
        existing[0]["data"] = {**existing[0]["data"], **data} if behavior == "merge" else data
    else:
        raise KustomizeError(f"configMapGenerator {name}: unknown behavior {behavior!r}")


def _finish_generated(objects: list[Obj]) -> None:
    """Name every generated ConfigMap `<name>-<hash of its data>` and point references at it,
    so a settings change rolls the pods that use it (as kustomize does)."""
    renamed: dict[tuple[str, str], str] = {}
    for obj in objects:
        if obj.pop(_GENERATED, False):  # False: generated, but its name keeps no hash
            meta = obj["metadata"]
            renamed[(meta.get("namespace", ""), meta["name"])] = f"{meta['name']}-{config_map_hash(obj)}"
            meta["name"] = renamed[(meta.get("namespace", ""), meta["name"])]
    for obj in objects:
        namespace = obj.get("metadata", {}).get("namespace", "")
        for pod in pod_specs(obj):
            for ref in _config_map_refs(pod):
                new = renamed.get((namespace, ref["name"]))
                if new:
                    ref["name"] = new


def config_map_hash(config_map: Obj) -> str:
    """kustomize's name suffix for a generated ConfigMap (sigs.k8s.io/kustomize/api/hasher): the
    sha256 of `{"data": ..., "kind": "ConfigMap", "name": ""}` (plus `binaryData` when present)
    as Go's encoding/json writes it (keys sorted, no spaces; <, >, &, U+2028 and U+2029 escaped),
    its first 10 hex digits with 0, 1, 3, a and e mapped to g, h, k, m and t.

    The name is always empty: kustomize looks the name up as one field called "metadata/name",
    which no object has (checked against kustomize v5.5 in `make deploy-check`), so the suffix
    depends on the data alone."""
    encoded: Obj = {"kind": "ConfigMap", "name": "", "data": config_map.get("data", "")}
    if isinstance(config_map.get("binaryData"), dict):
        encoded["binaryData"] = config_map["binaryData"]
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.translate(_GO_JSON_ESCAPES).encode()).hexdigest()
    return digest[:10].translate(_HASH_LETTERS)


_GO_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_HASH_LETTERS = str.maketrans("013ae", "ghkmt")


def _config_map_refs(pod: Obj) -> Iterator[Obj]:
    for container in containers(pod):
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                yield source["configMapRef"]
        for var in container.get("env", []):
            ref = var.get("valueFrom", {}).get("configMapKeyRef")
            if ref is not None:
                yield ref
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            yield volume["configMap"]
        for source in volume.get("projected", {}).get("sources", []):
            if "configMap" in source:
                yield source["configMap"]


# --- pod templates, images, replicas, labels ----------------------------------------------


def pod_templates(obj: Obj) -> Iterator[Obj]:
    """The pod templates inside a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob)."""
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob") and "template" in spec:
        yield spec["template"]


def pod_specs(obj: Obj) -> Iterator[Obj]:
    for template in pod_templates(obj):
        yield template.setdefault("spec", {})


def containers(pod: Obj) -> Iterator[Obj]:
    yield from pod.get("initContainers", [])
    yield from pod.get("containers", [])


def _set_image(objects: list[Obj], image: Obj) -> None:
    for obj in objects:
        for pod in pod_specs(obj):
            for container in containers(pod):
                name, tag, digest = split_image(container.get("image", ""))
                if name != image["name"]:
                    continue
                name = image.get("newName", name)
                if "digest" in image:
                    container["image"] = f"{name}@{image['digest']}"
                elif "newTag" in image:
                    container["image"] = f"{name}:{image['newTag']}"
                else:
                    container["image"] = f"{name}@{digest}" if digest else f"{name}:{tag}" if tag else name


def split_image(image: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference; a registry port is not a tag."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest


def _set_replicas(objects: list[Obj], entry: Obj, file: Path) -> None:
    matched = [o for o in objects if o["kind"] in SCALABLE and o["metadata"]["name"] == entry["name"]]
    if not matched:
        raise KustomizeError(f"{file}: replicas for {entry['name']!r} matches no workload")
    for obj in matched:
        obj["spec"]["replicas"] = int(entry["count"])


def _add_labels(objects: list[Obj], label: Obj) -> None:
    pairs = {k: str(v) for k, v in label.get("pairs", {}).items()}
    for obj in objects:
        obj["metadata"].setdefault("labels", {}).update(pairs)
        if label.get("includeTemplates") or label.get("includeSelectors"):
            for template in pod_templates(obj):
                template.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)
        if not label.get("includeSelectors"):
            continue
        spec = obj.get("spec", {})
        if obj["kind"] == "Service":
            spec.setdefault("selector", {}).update(pairs)
        elif isinstance(spec.get("selector"), dict):
            spec["selector"].setdefault("matchLabels", {}).update(pairs)


# --- patches ------------------------------------------------------------------------------


def _apply_patch(objects: list[Obj], entry: Obj, directory: Path) -> None:
    if "path" in entry:
        path = directory / entry["path"]
        if not path.is_file():
            raise KustomizeError(f"patch file {path} not found")
        patches = load_documents(path)
    elif "patch" in entry:
        patches = [doc for doc in yaml.safe_load_all(entry["patch"]) if doc is not None]
    else:
        raise KustomizeError(f"patch entry needs path or patch: {entry}")
    for patch in patches:
        if isinstance(patch, list):
            raise KustomizeError("JSON 6902 patches are not supported; write a strategic merge patch")
        targets = _targets(objects, entry.get("target"), patch)
        if not targets:
            raise KustomizeError(f"patch {entry.get('path', '<inline>')} matches no object")
        for obj in targets:
            patched = strategic_merge(
                obj,
                {k: v for k, v in patch.items() if k not in ("apiVersion", "kind")} if entry.get("target") else patch,
            )
            if entry.get("target"):
                patched["metadata"]["name"] = obj["metadata"]["name"]
            obj.clear()
            obj.update(patched)


def _targets(objects: list[Obj], target: Obj | None, patch: Obj) -> list[Obj]:
    if target is None:
        kind, name = patch.get("kind"), patch.get("metadata", {}).get("name")
        if not kind or not name:
            raise KustomizeError("a patch without a target needs kind and metadata.name")
        return [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    unknown = sorted(set(target) - {"kind", "name", "labelSelector"})
    if unknown:
        raise KustomizeError(f"patch target: unsupported keys {unknown}")
    selected = []
    for obj in objects:
        if "kind" in target and obj["kind"] != target["kind"]:
            continue
        if "name" in target and not re.fullmatch(target["name"], obj["metadata"]["name"]):
            continue
        if "labelSelector" in target and not _labels_match(obj, target["labelSelector"]):
            continue
        selected.append(obj)
    return selected


def _labels_match(obj: Obj, selector: str) -> bool:
    labels = obj["metadata"].get("labels", {})
    for term in selector.split(","):
        k, sep, v = term.strip().partition("=")
        if (labels.get(k) != v) if sep else (k not in labels):
            return False
    return True


def strategic_merge(base: Any, patch: Any, field: str = "") -> Any:
    """Kubernetes strategic merge for the fields the Shubbak overlays patch: maps merge
    recursively, `null` deletes a key, lists of objects in MERGE_KEYS merge by their key
    (`$patch: delete` removes an item), every other list is replaced."""
    if isinstance(patch, dict) and isinstance(base, dict):
        if patch.get("$patch") == "replace":
            return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
        merged = copy.deepcopy(base)
        for k, v in patch.items():
            if v is None:
                merged.pop(k, None)
            elif k in merged:
                merged[k] = strategic_merge(merged[k], v, k)
            else:
                merged[k] = _strip_directives(v)
        return merged
    if isinstance(patch, list) and isinstance(base, list) and field in MERGE_KEYS:
        return _merge_list(base, patch, field)
    return _strip_directives(patch)


def _merge_list(base: list[Any], patch: list[Any], field: str) -> list[Any]:
    """Merge by key, in kustomize's order: the patch's items first (merged with the base's item of
    the same key, if any), then the base's items the patch does not name."""
    merge_key = MERGE_KEYS[field]
    if field == "ports" and any(isinstance(p, dict) and "port" in p and "containerPort" not in p for p in patch):
        merge_key = "port"  # a Service's ports
    remaining = copy.deepcopy(base)
    merged: list[Any] = []
    for item in patch:
        if not isinstance(item, dict) or merge_key not in item:
            raise KustomizeError(f"strategic merge of {field}: every item needs {merge_key!r}")
        index = next((i for i, b in enumerate(remaining) if b.get(merge_key) == item[merge_key]), None)
        original = remaining.pop(index) if index is not None else None
        if item.get("$patch") == "delete":
            continue
        merged.append(_strip_directives(item) if original is None else strategic_merge(original, item, field))
    return merged + remaining


def _strip_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_directives(v) for k, v in value.items() if k != "$patch"}
    if isinstance(value, list):
        return [_strip_directives(v) for v in value]
    return copy.deepcopy(value)


def dump(objects: list[Obj]) -> str:
    """The objects as one multi-document YAML stream (what `kubectl apply -f -` takes)."""
    return yaml.safe_dump_all(objects, sort_keys=False, default_flow_style=False, width=120)
