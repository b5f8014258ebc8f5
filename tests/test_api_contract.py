"""The API contract frontends and integrators generate clients from, read from the gateway of the
whole platform as `make run` starts it: the merged OpenAPI 3.1 document validates and declares
who may call each operation (security schemes, audience tags, the role or scope), the headers
that apply (Accept-Language, Idempotency-Key), readable unique operationIds, the webhooks it
sends; the docs render from the platform itself; every problem has its page; every event type's
schema is where its events' `dataschema` says."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from contracts import Envelope, registry
from contracts.audience import shared_with_integrators
from contracts.examples import example
from contracts.national_id import parse

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PROBLEM_JSON = "application/problem+json"
ARABIC = re.compile(r"[\u0600-\u06ff]")
AUDIENCES = {"public", "citizen", "staff", "integrator"}
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
GENERATED = re.compile(r"_v1_|__|_(get|post|put|patch|delete)$|^(get|post|put|patch|delete)_")


@pytest.fixture(scope="module")
def document(platform) -> dict[str, Any]:
    found: dict[str, Any] = httpx.get(f"{platform.gateway}/openapi.json", timeout=30).json()
    assert not found.get("x-unavailable-services"), found.get("x-unavailable-services")
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    found: Any = document
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found  # type: ignore[no-any-return]


class TestOpenAPI:
    def test_the_merged_document_is_valid_openapi_3_1(self, document: dict[str, Any]) -> None:
        assert document["openapi"] == "3.1.0"
        validate(document)
        assert len(operations(document)) > 100

    def test_security_schemes_for_each_kind_of_caller(self, document: dict[str, Any]) -> None:
        schemes = document["components"]["securitySchemes"]
        assert schemes["bearerAuth"] == {
            **schemes["bearerAuth"],
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
        }
        flow = schemes["integratorOAuth"]["flows"]["clientCredentials"]
        assert flow["tokenUrl"] == "/v1/oauth/token"
        assert "events:notary.poa.revoked.v1" in flow["scopes"]
        assert "publish:traffic.vehicle.registered.v1" in flow["scopes"]
        assert "/v1/oauth/token" in document["paths"]

    def test_every_operation_says_who_may_call_it(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            where = f"{method} {path}"
            assert "security" in operation, where
            audiences = set(operation["tags"]) & AUDIENCES
            assert audiences, where
            assert "**Who may call:**" in operation["description"], where
            schemes = {name for requirement in operation["security"] for name in requirement}
            if audiences == {"public"}:
                assert operation["security"] == [], where
            assert ("bearerAuth" in schemes) == bool(audiences & {"citizen", "staff"}), where
            assert ("integratorOAuth" in schemes) == ("integrator" in audiences), where
        tags = {tag["name"]: tag.get("description", "") for tag in document["tags"]}
        assert set(tags) >= AUDIENCES
        assert all(tags[name] for name in AUDIENCES)

    @pytest.mark.parametrize(
        ("method", "path", "audiences", "says"),
        [
            ("GET", "/v1/services", {"public"}, "anyone"),
            ("POST", "/v1/powers-of-attorney", {"citizen"}, "citizens"),
            ("POST", "/v1/ration-card-requests/{request_id}/decision", {"staff"}, "`ration_officer`"),
            ("GET", "/v1/ration-card", {"citizen"}, "citizens"),
            ("GET", "/v1/payments/ledger/invariant", {"staff"}, "`auditor`"),
            ("POST", "/v1/ration-imports/{kind}", {"staff", "integrator"}, "`ration_officer`"),
            ("POST", "/v1/webhooks", {"integrator"}, "integrators"),
            ("POST", "/v1/events", {"integrator"}, "integrators"),
        ],
    )
    def test_the_edge_policy_narrows_what_a_service_says(
        self, document: dict[str, Any], method: str, path: str, audiences: set[str], says: str
    ) -> None:
        """A service's `CurrentCaller` admits any signed-in caller; the gateway's policy says who."""
        operation = document["paths"][path][method.lower()]
        assert set(operation["tags"]) == audiences
        assert says in operation["description"]

    def test_accept_language_everywhere_and_idempotency_key_on_every_proxied_post(
        self, document: dict[str, Any]
    ) -> None:
        own = ("/v1/oauth", "/v1/webhooks", "/v1/events", "/v1/event-keys", "/v1/integrator-event-keys")
        for method, path, operation in operations(document):
            names = {resolve(document, p)["name"].lower() for p in operation.get("parameters", [])}
            assert "accept-language" in names, f"{method} {path}"
            if method == "POST" and not path.startswith(own):
                assert "idempotency-key" in names, f"{method} {path}"
            elif method == "POST":  # the gateway's own routes are not behind its idempotency: no false promise
                assert "idempotency-key" not in names, f"{method} {path}"
        assert document["servers"]

    def test_operation_ids_are_camel_case_and_unique(self, document: dict[str, Any]) -> None:
        ids = [operation["operationId"] for _, _, operation in operations(document)]
        assert all(CAMEL.fullmatch(found) and not GENERATED.search(found) for found in ids), ids
        assert len(set(ids)) == len(ids), sorted(found for found in ids if ids.count(found) > 1)
        webhooks = [item["post"]["operationId"] for item in document["webhooks"].values()]
        assert all(CAMEL.fullmatch(found) for found in webhooks)
        assert len(set(webhooks)) == len(webhooks)

    def test_route_function_names_are_unique_and_say_what_they_do(self, document: dict[str, Any]) -> None:
        """Names that clashed (the gateway kept the document valid by putting the service's name in
        front: `x-operation-id-clash`) and names of one word that say too little (`get`, `draft`,
        `approve`): each listed with where it is, to rename the route function."""
        clashes: dict[str, list[str]] = {}
        vague: dict[str, list[str]] = {}
        for method, path, operation in operations(document):
            if "x-operation-id-clash" in operation:
                clashes.setdefault(operation["x-operation-id-clash"], []).append(f"{method} {path}")
            if not re.search(r"[A-Z]", operation.get("x-operation-id-clash", operation["operationId"])):
                vague.setdefault(operation["operationId"], []).append(f"{method} {path}")
        assert not clashes, f"clashing route function names: {clashes}"
        assert not vague, f"one-word operationIds that say too little: {vague}"

    def test_every_body_has_an_example_that_its_schema_accepts(self, document: dict[str, Any]) -> None:
        """Every request body and every 2xx JSON answer has an example, every problem answer one in
        Arabic and one in English; each validates against its schema, and every national ID in
        them parses."""
        missing: list[str] = []
        invalid: list[str] = []
        for where, media, value in bodies(document):
            if value is None:
                missing.append(where)
                continue
            errors = list(Draft202012Validator({**document, **media["schema"]}).iter_errors(value))
            invalid += [f"{where}: {error.message[:120]} at {list(error.absolute_path)}" for error in errors[:1]]
            for name, found in national_ids(value):
                try:
                    parse(found)
                except ValueError:
                    invalid.append(f"{where}: {name}={found!r} is not a national ID")
        assert not missing, f"bodies without an example: {missing}"
        assert not invalid, f"examples their schema refuses: {invalid}"

    def test_problem_examples_are_in_arabic_and_english(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            for status, response in operation["responses"].items():
                media = (resolve(document, response).get("content") or {}).get(PROBLEM_JSON)
                if media is None:
                    continue
                where = f"{method} {path} {status}"
                examples = media.get("examples", {})
                assert set(examples) >= {"arabic", "english"}, where
                arabic, english = examples["arabic"]["value"], examples["english"]["value"]
                assert ARABIC.search(arabic["title"]), where
                assert not ARABIC.search(english["title"]), where
                assert arabic["code"] == english["code"], where
                assert arabic["status"] == english["status"] == int(status), where
                assert "request_id" not in arabic, where  # rendered outside any request: the same every time

    def test_webhooks_are_described_with_their_headers_and_cloudevent_bodies(self, document: dict[str, Any]) -> None:
        shared = {cls.subject for cls in registry.all_events() if shared_with_integrators(cls.subject)}
        assert set(document["webhooks"]) == shared
        for subject, item in document["webhooks"].items():
            operation = item["post"]
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
            content = operation["requestBody"]["content"]["application/cloudevents+json"]
            schema = {**document, "$ref": content["schema"]["$ref"]}
            validator = Draft202012Validator(schema)
            validator.validate(content["example"])
            sent = Envelope.wrap(example(subject), source="test").model_dump(mode="json", exclude_none=True)
            validator.validate(sent)
            assert not validator.is_valid({**sent, "type": "notary.poa.drafted.v1"})


def bodies(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    """(where, media type object, its example or None) for every request body (JSON, form or CSV),
    every 2xx JSON answer and every problem answer (one entry per example)."""
    found: list[tuple[str, dict[str, Any], Any]] = []
    for method, path, operation in operations(document):
        medias = [("request", kind, media) for kind, media in _content(document, operation.get("requestBody"))]
        for status, response in operation["responses"].items():
            medias += [(status, kind, media) for kind, media in _content(document, response)]
        for status, kind, media in medias:
            if status != "request" and not (("json" in kind and status.startswith("2")) or kind == PROBLEM_JSON):
                continue
            where = f"{method} {path} {status} {kind}"
            if "example" in media:
                found.append((where, media, media["example"]))
            elif media.get("examples"):
                found += [(f"{where} {name}", media, e["value"]) for name, e in media["examples"].items()]
            else:
                found.append((where, media, None))
    return found


def _content(document: dict[str, Any], node: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    if node is None:
        return []
    return [
        (kind, media) for kind, media in (resolve(document, node).get("content") or {}).items() if "schema" in media
    ]


def national_ids(value: Any, name: str = "") -> list[tuple[str, str]]:
    """(property, value) for every string under a property named *national_id (or a list of agents)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in national_ids(item, key)]
    if isinstance(value, list):
        return [found for item in value for found in national_ids(item, name)]
    named = name.endswith("national_id") or name in ("agents", "agent_national_ids")
    return [(name, value)] if named and isinstance(value, str) else []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "spec-url") and value:
                self.links.append(value)


class TestDocsOffline:
    """On the closed government network nothing outside the platform can be loaded."""

    @pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
    def test_every_docs_page_loads_only_from_the_platform(self, platform, page: str) -> None:
        base = platform.gateway
        response = httpx.get(base + page, timeout=30)
        assert response.status_code == 200
        html = response.text
        parser = _Links()
        parser.feed(html)
        for link in parser.links:
            target = urlsplit(urljoin(base + page, link))
            assert target.netloc == urlsplit(base).netloc, link
            assert httpx.get(urljoin(base + page, link), timeout=30).status_code == 200, link
        hosts = {urlsplit(url).netloc for url in re.findall(r"https?://[^\s\"'<>)]+", html)}
        assert hosts <= {urlsplit(base).netloc}, hosts

    def test_swagger_is_configured_for_both_kinds_of_token_and_no_validator_badge(self, platform) -> None:
        html = httpx.get(platform.gateway + "/docs", timeout=30).text
        assert "/docs/assets/swagger-ui-bundle.js" in html
        assert '"validatorUrl": null' in html
        assert "initOAuth" in html
        css = httpx.get(platform.gateway + "/docs/assets/swagger-ui.css", timeout=30).text
        assert not [
            u for u in re.findall(r"url\(([^)]*)\)", css) if u.strip("'\"").startswith(("http:", "https:", "//"))
        ]

    def test_the_licences_of_the_served_bundles_are_served_with_them(self, platform) -> None:
        swagger = httpx.get(platform.gateway + "/docs/assets/swagger-ui.LICENSE.txt", timeout=30)
        assert "Apache License" in swagger.text
        redoc = httpx.get(platform.gateway + "/docs/assets/redoc.LICENSE.txt", timeout=30)
        assert redoc.status_code == 200


class TestProblemPages:
    def test_a_problem_answer_names_a_page_that_explains_it_in_both_languages(self, platform) -> None:
        base = platform.gateway
        answer = httpx.get(f"{base}/v1/services/no.such.service", headers={"Accept-Language": "en"}, timeout=30).json()
        page = httpx.get(urljoin(base, answer["type"]), headers={"Accept-Language": "en"}, timeout=30)
        assert page.status_code == 200
        assert answer["title"] in page.text
        assert 'lang="ar" dir="rtl"' in page.text
        entry = httpx.get(urljoin(base, answer["type"]), headers={"Accept": "application/json"}, timeout=30).json()
        assert entry["title"]["en"] == answer["title"]
        assert entry["title"]["ar"] in page.text

    def test_every_problem_of_every_service_has_its_page(self, platform) -> None:
        base = platform.gateway
        problems = httpx.get(f"{base}/problems.json", timeout=30).json()["problems"]
        assert {"otp_locked", "idempotency_key_reused", "publish_not_in_scope", "not_found"} <= set(problems)
        for code, entry in problems.items():
            assert entry["type"] == "/problems/" + code.replace("_", "-")
            assert all(entry[part][language] for part in ("title", "detail") for language in ("ar", "en")), code
        for code in sorted(problems)[:: max(1, len(problems) // 15)]:
            assert httpx.get(urljoin(base, problems[code]["type"]), timeout=30).status_code == 200, code
        assert httpx.get(f"{base}/problems/no-such-problem", timeout=30).status_code == 404


class TestEventSchemas:
    def test_every_event_types_dataschema_is_served_by_the_gateway(self, platform) -> None:
        for cls in registry.all_events():
            dataschema = Envelope.wrap(example(cls.subject), source="t", public_url=platform.gateway).dataschema
            assert dataschema is not None
            response = httpx.get(dataschema, timeout=30)
            assert response.status_code == 200, cls.subject
            schema = response.json()
            Draft202012Validator.check_schema(schema)
            Draft202012Validator(schema).validate(example(cls.subject).model_dump(mode="json"))
        assert httpx.get(f"{platform.gateway}/schemas/events/nothing.v1.json", timeout=30).status_code == 404
