"""The AsyncAPI 3 document of the events validates with the official parser (@asyncapi/parser,
the one AsyncAPI's own tools use), run with Node: errors and warnings fail, naming where."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import node_tools

import contracts
from contracts.export import asyncapi


def _validate(document: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = node_tools.run("validate-asyncapi.mjs", str(path))
    assert done.stdout, done.stderr
    return node_tools.parse_json(done.stdout)


def test_node_is_20_or_later() -> None:
    node_tools.ensure()
    assert node_tools.node_major() >= 20


def test_the_official_parser_validates_the_document(tmp_path: Path) -> None:
    result = _validate(asyncapi(contracts.__version__, "https://api.gov.example"), tmp_path)
    serious = [d for d in result["diagnostics"] if d["severity"] <= 1]
    assert result["valid"] is True, serious
    assert serious == []


def test_the_parser_is_not_a_rubber_stamp(tmp_path: Path) -> None:
    """A relative token URL is not valid AsyncAPI: the parser says so (so a pass above means something)."""
    document = asyncapi(contracts.__version__)
    document["components"]["securitySchemes"]["integratorOAuth"]["flows"]["clientCredentials"]["tokenUrl"] = "/token"
    result = _validate(document, tmp_path)
    assert result["valid"] is False
    assert any("tokenUrl" in d["path"] for d in result["diagnostics"])
