"""What in a new version of an API contract breaks a client built against the old one.

OpenAPI: a removed path or operation; a new required input (parameter, body, or body field); an
input narrowed (a type no longer accepted, an enum value dropped, a tighter length, range or
pattern); a field removed from, or retyped in, a successful answer. AsyncAPI: a removed channel;
a field removed, retyped or newly required in an event's data (consumers read it, ministries
publish it: the project's rule is that only an optional field may be added to a version).
Additions that break nobody (a new path, an optional input, a new answer field, a wider input)
are not reported. `$ref`s are followed within each document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_NARROWER_WHEN_SMALLER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_NARROWER_WHEN_LARGER = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
Doc = dict[str, Any]


def major_bumped(before: str, after: str) -> bool:
    def major(version: str) -> int:
        head = version.split(".")[0]
        return int(head) if head.isdigit() else 0

    return major(after) > major(before)


def _resolve(document: Doc, node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and depth < 20:
        found: Any = document
        for part in node["$ref"][2:].split("/"):
            found = found.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(found, dict) else {}
        node, depth = found, depth + 1
    return node


def _types(schema: Any, document: Doc) -> set[str] | None:
    """The JSON types a schema admits; None: anything (no type said)."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return {type(schema["const"]).__name__}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return set(kind)
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        found: set[str] = set()
        for option in options:
            more = _types(option, document)
            if more is None:
                return None
            found |= more
        return found
    return None


def _covers(wide: set[str] | None, narrow: set[str] | None) -> bool:
    """Whether every value of the `narrow` types is one of the `wide` types (None: anything)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(kind in wide or (kind == "integer" and "number" in wide) for kind in narrow)


class Differ:
    def __init__(self, old: Doc, new: Doc) -> None:
        self.old, self.new = old, new
        self._seen: set[tuple[int, int, str]] = set()

    def input(self, old: Any, new: Any, where: str) -> Iterator[str]:
        """What a client sending data valid for `old` may now be refused for."""
        old, new = _resolve(self.old, old), _resolve(self.new, new)
        if not isinstance(old, dict) or not isinstance(new, dict) or self._visited(old, new, "in"):
            return
        was, now = _types(old, self.old), _types(new, self.new)
        if not _covers(now, was):
            yield f"{where}: accepts {sorted(now or ())} instead of {sorted(was) if was else 'anything'} (narrowed)"
            return
        if ("enum" in new and set(map(str, old.get("enum", []))) - set(map(str, new["enum"]))) or (
            "enum" in new and "enum" not in old and "const" not in old
        ):
            yield f"{where}: accepts fewer values (enum narrowed)"
        for key in _NARROWER_WHEN_SMALLER:
            if key in new and (key not in old or new[key] < old[key]):
                yield f"{where}: {key} lowered to {new[key]}"
        for key in _NARROWER_WHEN_LARGER:
            if key in new and (key not in old or new[key] > old[key]):
                yield f"{where}: {key} raised to {new[key]}"
        if "pattern" in new and new.get("pattern") != old.get("pattern"):
            yield f"{where}: a new pattern"
        added = set(new.get("required", [])) - set(old.get("required", []))
        for name in sorted(added):
            yield f"{where}.{name}: a new required input"
        if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
            yield f"{where}: no longer accepts other fields"
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        if new.get("additionalProperties") is False:
            for name in sorted(set(old_props) - set(new_props)):
                yield f"{where}.{name}: no longer accepted"
        for name in sorted(set(old_props) & set(new_props)):
            yield from self.input(old_props[name], new_props[name], f"{where}.{name}")
        if "items" in old and "items" in new:
            yield from self.input(old["items"], new["items"], f"{where}[]")

    def output(self, old: Any, new: Any, where: str) -> Iterator[str]:
        """What a client reading an answer valid for `old` may now miss or misread."""
        old, new = _resolve(self.old, old), _resolve(self.new, new)
        if not isinstance(old, dict) or not isinstance(new, dict) or self._visited(old, new, "out"):
            return
        was, now = _types(old, self.old), _types(new, self.new)
        if not _covers(was, now):
            yield f"{where}: now {sorted(now) if now else 'anything'} instead of {sorted(was or ())} (retyped)"
            return
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in sorted(set(old_props) - set(new_props)):
            yield f"{where}.{name}: removed"
        for name in sorted(set(old.get("required", [])) - set(new.get("required", []))):
            if name in new_props:
                yield f"{where}.{name}: no longer always present"
        for name in sorted(set(old_props) & set(new_props)):
            yield from self.output(old_props[name], new_props[name], f"{where}.{name}")
        if "items" in old and "items" in new:
            yield from self.output(old["items"], new["items"], f"{where}[]")

    def _visited(self, old: Any, new: Any, way: str) -> bool:
        key = (id(old), id(new), way)
        if key in self._seen:
            return True
        self._seen.add(key)
        return False


def openapi_breaks(old: Doc, new: Doc) -> list[str]:
    differ = Differ(old, new)
    found: list[str] = []
    for path, old_item in old.get("paths", {}).items():
        new_item = new.get("paths", {}).get(path)
        if new_item is None:
            found.append(f"{path}: removed")
            continue
        for method in METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if method not in new_item:
                found.append(f"{where}: removed")
                continue
            found += _operation(differ, old_item[method], new_item[method], where)
    return found


def _parameters(document: Doc, operation: Doc) -> dict[tuple[str, str], Doc]:
    found = {}
    for parameter in operation.get("parameters", []):
        parameter = _resolve(document, parameter)
        if isinstance(parameter, dict) and "name" in parameter:
            found[(parameter.get("in", ""), parameter["name"].lower())] = parameter
    return found


def _operation(differ: Differ, old: Doc, new: Doc, where: str) -> list[str]:
    found: list[str] = []
    before, after = _parameters(differ.old, old), _parameters(differ.new, new)
    for key, parameter in after.items():
        if parameter.get("required") and (key not in before or not before[key].get("required")):
            found.append(f"{where}: {key[0]} parameter {key[1]} is now required")
    for key in before.keys() & after.keys():
        found += differ.input(before[key].get("schema"), after[key].get("schema"), f"{where} {key[0]} {key[1]}")
    old_body = _resolve(differ.old, old.get("requestBody", {}))
    new_body = _resolve(differ.new, new.get("requestBody", {}))
    if new_body.get("required") and not old_body.get("required") and old_body:
        found.append(f"{where}: a body is now required")
    if new_body and not old_body and new_body.get("required"):
        found.append(f"{where}: a body is now required")
    for media, content in old_body.get("content", {}).items():
        if media not in new_body.get("content", {}):
            found.append(f"{where}: no longer accepts {media}")
            continue
        found += differ.input(content.get("schema"), new_body["content"][media].get("schema"), f"{where} body")
    for status, response in old.get("responses", {}).items():
        if not str(status).startswith("2"):
            continue
        new_response = new.get("responses", {}).get(status)
        if new_response is None:
            found.append(f"{where}: no longer answers {status}")
            continue
        old_content = _resolve(differ.old, response).get("content", {})
        new_content = _resolve(differ.new, new_response).get("content", {})
        for media, content in old_content.items():
            if media in new_content:
                found += differ.output(content.get("schema"), new_content[media].get("schema"), f"{where} {status}")
            else:
                found.append(f"{where}: {status} no longer answers {media}")
    return found


def asyncapi_breaks(old: Doc, new: Doc) -> list[str]:
    differ = Differ(old, new)
    found: list[str] = []
    new_by_address = {c.get("address"): c for c in new.get("channels", {}).values()}
    for channel in old.get("channels", {}).values():
        address = channel.get("address")
        now = new_by_address.get(address)
        if now is None:
            found.append(f"{address}: removed")
            continue
        for key, message in channel.get("messages", {}).items():
            old_payload = _resolve(old, _resolve(old, message).get("payload"))
            new_message = _resolve(new, now.get("messages", {}).get(key, {}))
            new_payload = _resolve(new, new_message.get("payload")) if new_message else None
            if not new_payload:
                found.append(f"{address}: message {key} removed")
                continue
            old_data = old_payload.get("properties", {}).get("data")
            new_data = new_payload.get("properties", {}).get("data")
            found += differ.output(old_data, new_data, f"{address} data")
            found += [line for line in differ.input(old_data, new_data, f"{address} data") if "required" in line]
    return found
