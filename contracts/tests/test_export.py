import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import contracts
from contracts import Envelope, registry
from contracts.cli import main
from contracts.examples import EXAMPLES


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    assert main(["export", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def asyncapi(exported: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((exported / "asyncapi.json").read_text("utf-8"))
    return document


def _subjects() -> set[str]:
    return {cls.subject for cls in registry.all_events()}


def test_examples_cover_every_event() -> None:
    assert set(EXAMPLES) == _subjects()


class TestSchemas:
    def test_one_schema_per_event_plus_envelope(self, exported: Path) -> None:
        names = {p.name for p in (exported / "schemas").iterdir()}
        assert names == {f"{s}.json" for s in _subjects()} | {"envelope.json"}

    @pytest.mark.parametrize("name", [*sorted(EXAMPLES), "envelope"])
    def test_schema_is_valid_draft_2020_12(self, exported: Path, name: str) -> None:
        schema = json.loads((exported / "schemas" / f"{name}.json").read_text("utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(name)
        Draft202012Validator.check_schema(schema)

    @pytest.mark.parametrize("subject", sorted(EXAMPLES))
    def test_example_data_fits_the_schema(self, exported: Path, subject: str) -> None:
        schema = json.loads((exported / "schemas" / f"{subject}.json").read_text("utf-8"))
        Draft202012Validator(schema).validate(EXAMPLES[subject])
        # the schema is not looser than the model on the basic shape
        broken = {k: v for k, v in EXAMPLES[subject].items() if k != registry.event_class(subject).aggregate}
        assert not Draft202012Validator(schema).is_valid(broken)

    def test_envelope_schema_accepts_a_real_envelope(self, exported: Path) -> None:
        schema = json.loads((exported / "schemas" / "envelope.json").read_text("utf-8"))
        event = registry.event_class("identity.citizen.enrolled.v1").model_validate(
            EXAMPLES["identity.citizen.enrolled.v1"]
        )
        Draft202012Validator(schema).validate(json.loads(Envelope.wrap(event, source="x").to_bytes()))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"external $ref {ref!r}"
    node: Any = document
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


class TestAsyncApi:
    def test_header(self, asyncapi: dict[str, Any]) -> None:
        assert asyncapi["asyncapi"] == "3.0.0"
        assert asyncapi["info"]["title"] == "Shubbak events"
        assert asyncapi["info"]["version"] == contracts.__version__
        assert asyncapi["servers"]["nats"]["protocol"] == "nats"

    def test_every_ref_resolves(self, asyncapi: dict[str, Any]) -> None:
        refs = _refs(asyncapi)
        assert len(refs) > 3 * len(_subjects())
        for ref in refs:
            _resolve(asyncapi, ref)

    def test_channels_are_the_registry(self, asyncapi: dict[str, Any]) -> None:
        addresses = [channel["address"] for channel in asyncapi["channels"].values()]
        assert sorted(addresses) == sorted(_subjects())

    def test_one_operation_per_channel_send_or_receive(self, asyncapi: dict[str, Any]) -> None:
        """The document describes the platform: it sends what its services publish and receives
        what the authorities owning the facts publish (civil registry, traffic, ...)."""
        operations = asyncapi["operations"]
        assert {op["channel"]["$ref"] for op in operations.values()} == {
            f"#/channels/{key}" for key in asyncapi["channels"]
        }
        actions = {}
        for name, operation in operations.items():
            assert name.startswith(operation["action"])
            address = _resolve(asyncapi, operation["channel"]["$ref"])["address"]
            actions[address] = operation["action"]
        assert actions["traffic.vehicle.registered.v1"] == "receive"
        assert actions["civil.birth.registered.v1"] == "receive"
        assert actions["notary.poa.issued.v1"] == "send"
        assert actions["payment.intent.succeeded.v1"] == "send"
        assert set(actions.values()) == {"send", "receive"}

    def test_messages_declare_their_nats_headers(self, asyncapi: dict[str, Any]) -> None:
        for message in asyncapi["components"]["messages"].values():
            headers = _resolve(asyncapi, message["headers"]["$ref"])
            assert {"Nats-Msg-Id", "traceparent", "tracestate", "Content-Type"} <= set(headers["properties"])
            assert message["contentType"] == "application/cloudevents+json"
            (example,) = message["examples"]
            Draft202012Validator({**asyncapi, "$ref": message["headers"]["$ref"]}).validate(example["headers"])
            assert example["headers"]["Nats-Msg-Id"] == example["payload"]["id"]

    def test_servers_declare_their_security(self, asyncapi: dict[str, Any]) -> None:
        schemes = asyncapi["components"]["securitySchemes"]
        assert schemes["natsAccount"]["type"] == "userPassword"
        flow = schemes["integratorOAuth"]["flows"]["clientCredentials"]
        assert flow["tokenUrl"] == "http://127.0.0.1:8000/v1/oauth/token"
        assert "publish:traffic.vehicle.registered.v1" in flow["availableScopes"]
        assert not any(scope.startswith("publish:payment.") for scope in flow["availableScopes"])
        for server in asyncapi["servers"].values():
            for ref in server["security"]:
                _resolve(asyncapi, ref["$ref"])

    def test_messages_describe_the_event(self, asyncapi: dict[str, Any]) -> None:
        for cls in registry.all_events():
            channel = next(c for c in asyncapi["channels"].values() if c["address"] == cls.subject)
            (ref,) = [m["$ref"] for m in channel["messages"].values()]
            message = _resolve(asyncapi, ref)
            assert message["name"] == cls.__name__
            assert message["summary"] == cls.__doc__
            data = _resolve(asyncapi, message["payload"]["properties"]["data"]["$ref"])
            assert set(data["properties"]) == set(cls.model_fields)

    @pytest.mark.parametrize("subject", sorted(EXAMPLES))
    def test_real_envelope_fits_its_message_payload(self, asyncapi: dict[str, Any], subject: str) -> None:
        key = next(k for k, c in asyncapi["channels"].items() if c["address"] == subject)
        # the whole document is the root resource, so "#/components/..." refs resolve in it
        schema = {**asyncapi, "$ref": f"#/components/messages/{key}/payload"}
        event = registry.event_class(subject).model_validate(EXAMPLES[subject])
        envelope = json.loads(Envelope.wrap(event, source="test").to_bytes())
        validator = Draft202012Validator(schema)
        validator.validate(envelope)
        assert not validator.is_valid(envelope | {"type": "identity.other.happened.v1"})

    def test_message_examples_fit_their_payload(self, asyncapi: dict[str, Any]) -> None:
        for key, message in asyncapi["components"]["messages"].items():
            validator = Draft202012Validator({**asyncapi, "$ref": f"#/components/messages/{key}/payload"})
            (example,) = message["examples"]
            validator.validate(example["payload"])
            assert Envelope.model_validate(example["payload"]).event()


class TestCli:
    def test_list_prints_subjects_and_streams(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["list"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == len(_subjects())
        assert ["identity.citizen.enrolled.v1", "IDENTITY"] in [line.split() for line in lines]

    @pytest.mark.parametrize("argv", [[], ["publish"], ["export", "--bogus"], ["list", "extra"]])
    def test_bad_arguments_exit_2(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        assert "error" in capsys.readouterr().err

    def test_default_out_dir(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        assert main(["export"]) == 0
        assert (tmp_path / "contracts-export" / "asyncapi.json").is_file()
