"""Abuse, tried through the gateway of the platform as `make run` starts it, the way an attacker
would (issue 12's security probe; issue 11 where an attacker stands at a seam):

- text that lies: bidirectional controls and invisible characters in names, legal free text,
  query strings, paths, a ministry's events and its bulk files are refused naming the field, in
  Arabic and in English (the Arabic wholly Arabic), and nothing is stored;
- webhook targets inside the platform's own network (its services' and PostgreSQL's ports, the
  metadata endpoint, private, link-local and cluster names) and their encodings are refused;
- token confusion: a citizen's token on staff and integrator routes, an integrator's or a staff
  member's on citizen routes, an unsigned (`alg: none`) or tampered token, a refresh token as a
  bearer: refused by the gateway and again by the service behind it;
- `Idempotency-Key`: another body under a used key is refused, and another caller's key replays
  nothing of the first caller's answer;
- bodies too big, too deep, not UTF-8 or not JSON: 413/400/415/422 problems, never a 500;
- OTP guessing (a burst of guesses at one challenge) and SMS pumping (one national ID, one
  mobile, from many addresses): bounded;
- forged payment notifications: refused, and only a hash of them is kept.

Proven end to end elsewhere, not repeated here: another citizen's resources answer 404 as if
they did not exist (tests/test_bola.py); one abuser never blocks another person, a stranger's
guesses never lock a clerk out, an identity-signed `typ=integrator` token is 401 everywhere, a
replayed sign-in leaves no token in clear, a limit holds under a burst (tests/test_limits_seams.py);
paying another's order, with another order's quote, racing payments, duplicate and late provider
notifications, the money invariant (tests/test_seams_money.py); kill -9 and outages
(tests/faults/). A DNS name that resolves to a private address, at subscription and at delivery
(rebinding), needs a DNS server the test machine does not have: gateway/tests/test_webhook_targets.py
(`TestRebinding`) and gateway/tests/test_webhooks.py prove it with a resolver of their own. Resends
giving no new OTP attempts need the clock moved past the resend cool-down:
identity-svc/tests/test_limits.py.

Each person here connects from an address of their own (any 127.x.y.z reaches the gateway), so
the per-address limits of one probe never decide another's.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from paperless_support import Citizen, registry_people, staff_token
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from test_integrators import create_integrator, token

from kit.textcheck import latin_words

_addresses = (f"127.{random.randrange(1, 250)}.{b}.{c}" for b, c in itertools.product(range(1, 250), range(2, 250)))


def _pool(governorates: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Older people (none with a newborn) of these governorates, in a random order: no other test
    draws its citizens from them, and a second run on the same platform draws others first."""
    found = registry_people(governorates, born_before="1975-01-01")
    return iter(random.sample(found, len(found)))


_people = _pool(("22", "23", "24"))  # where certificates are not live yet
_live = _pool(("21", "28"))  # where they are


@pytest.fixture(scope="module")
async def ministry(platform: Any) -> dict[str, str]:
    """One integrator account for the module's probes (each made by a command, as ops would: a
    process start), allowed to receive revocations, send bulk files and publish births."""
    scopes = ("events:notary.poa.revoked.v1", "ration.import", "publish:civil.birth.registered.v1")
    return await create_integrator(platform, f"Ministry {uuid.uuid4().hex[:6]}", *scopes)


def from_new_address(platform: Any) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=next(_addresses))
    return httpx.AsyncClient(base_url=platform.gateway, transport=transport, timeout=30)


async def enrolled(client: httpx.AsyncClient, people: Iterator[dict[str, str]] = _people) -> Citizen:
    citizen = Citizen(client, next(people))
    await citizen.enrol()
    return citizen


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert (response.status_code, response.headers.get("content-type")) == (status, "application/problem+json"), (
        response.status_code,
        response.text[:500],
    )
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def invisible(response: httpx.Response, field: str, code_point: str) -> str:
    """The reason of a refusal naming `field` and the character; returns the reason."""
    body = problem(response, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, "invisible_character")], body
    reason: str = body["errors"][0]["reason"]
    assert code_point in reason, reason
    return reason


class TestTextThatLies:
    async def test_bidi_and_invisible_characters_are_refused_naming_the_field(self, platform) -> None:
        async with from_new_address(platform) as phone:
            a = await enrolled(phone)
            agent = next(_people)
            draft = {"kind": "general", "scopes": ["general_management"], "agents": [agent["national_id"]],
                     "special_conditions": ["لا يجوز للوكيل \u202eالبيع لنفسه"]}  # fmt: skip
            english = await phone.post("/v1/powers-of-attorney", json=draft, headers=a.auth)
            assert "U+202E" in invisible(english, "body.special_conditions.0", "U+202E")
            arabic = await phone.post("/v1/powers-of-attorney", json=draft, headers={**a.auth, "Accept-Language": "ar"})
            reason = invisible(arabic, "body.special_conditions.0", "U+202E")
            assert not latin_words(reason), f"English words in the Arabic reason: {reason}"
            assert not latin_words(arabic.json()["title"] + " " + arabic.json()["detail"])

            escaped = json.dumps({**draft, "special_conditions": ["ok", "\u2067hidden\u2069"]}, ensure_ascii=True)
            as_ascii = await phone.post(
                "/v1/powers-of-attorney", content=escaped, headers={**a.auth, "Content-Type": "application/json"}
            )
            invisible(as_ascii, "body.special_conditions.1", "U+2067")

            someone = next(_people)
            name = {"national_id": someone["national_id"], "first_name": someone["first_name_ar"] + "\u200b",
                    "mother_first_name": someone["mother_first_name_ar"], "mobile": "01012340000"}  # fmt: skip
            invisible(await phone.post("/v1/enrolments", json=name, headers={"Accept-Language": "en"}),
                      "body.first_name", "U+200B")  # fmt: skip
            invisible(await phone.get("/v1/services", params={"family": "civil\u2066"}), "query.family", "U+2066")
            invisible(await phone.get(f"/v1/powers-of-attorney/{uuid.uuid4()}\u202e", headers=a.auth), "path", "U+202E")

            mine = await phone.get("/v1/powers-of-attorney", headers=a.auth)
            assert mine.json()["items"] == []  # nothing refused was kept

            # what Arabic needs stays allowed: ZWNJ, and the right-to-left mark beside a Latin code
            honest = {**draft, "special_conditions": ["لا يجوز\u200c للوكيل البيع لنفسه", "\u200fالعقد رقم A-17"]}
            kept = await phone.post("/v1/powers-of-attorney", json=honest, headers=a.auth)
            assert kept.status_code == 201, kept.text
            assert kept.json()["special_conditions"] == honest["special_conditions"]

    async def test_a_ministry_event_with_a_hidden_override_is_refused(self, platform, ministry) -> None:
        async with from_new_address(platform) as client:
            headers = await token(client, ministry)
            event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/registry",
                     "type": "civil.birth.registered.v1", "datacontenttype": "application/json",
                     "data": {"child_first_name": "\u202eأحمد"}}  # fmt: skip
            answer = await client.post(
                "/v1/events",
                content=json.dumps(event),
                headers={**headers, "Content-Type": "application/cloudevents+json"},
            )
            deep = b'{"specversion":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
            nested = await client.post(
                "/v1/events", content=deep, headers={**headers, "Content-Type": "application/cloudevents+json"}
            )
        invisible(answer, "body.data.child_first_name", "U+202E")
        body = problem(nested, 422, "validation_failed")
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("body", "json_invalid")], body
        errors = [line for line in (platform.folder / "data" / "logs" / "gateway.log").open(encoding="utf-8")
                  if "unhandled error on POST /v1/events" in line]  # fmt: skip
        assert errors == [], "a refused body is the caller's fault, never an error of the gateway"

    async def test_a_bulk_file_row_with_invisible_characters_is_rejected_not_stored(self, platform, ministry) -> None:
        owner = next(_people)["national_id"]
        header = "vehicle_id,plate_number,owner_national_id,vehicle_type,make,model,model_year,engine_cc,registered_on"
        rows = [
            f"{uuid.uuid4()},ق ط ع \u202e321,{owner},private_car,Hyundai,Elantra,2021,1600,2024-03-02",
            f"{uuid.uuid4()},ق ط ع 322,{owner},private_car,Hyun\u200bdai,Elantra,2021,1600,2024-03-02",
            f"{uuid.uuid4()},ق ط ع 323,{owner},private_car,Hyundai,Elantra,2021,1600,2024-03-02",
        ]
        async with from_new_address(platform) as client:
            headers = await token(client, ministry)
            imported = await client.post(
                "/v1/ration-imports/vehicles",
                params={"governorate": "03", "filename": "vehicles.csv"},
                content="\n".join([header, *rows, ""]).encode(),
                headers={**headers, "Content-Type": "text/csv"},
            )
            assert imported.status_code == 201, imported.text
            assert (imported.json()["rows_accepted"], imported.json()["rows_rejected"]) == (1, 2)
            rejects = await client.get(f"/v1/ration-imports/{imported.json()['id']}/rejects", headers=headers)
        lines = [line.split(",")[:3] for line in rejects.text.strip().splitlines()[1:]]
        assert sorted(lines) == [["2", "plate_number", "invisible_character"], ["3", "make", "invisible_character"]]


TARGETS = [
    ("http://127.0.0.1:{identity}/v1/dev/sms", "address_not_allowed"),  # a service's own port
    ("http://127.0.0.1:{postgres}/", "address_not_allowed"),  # PostgreSQL
    ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),  # the cloud's metadata
    ("http://[::ffff:a9fe:a9fe]/latest/meta-data/", "address_not_allowed"),  # the same, IPv4-mapped
    ("http://[::1]:{gateway}/", "address_not_allowed"),
    ("http://[::ffff:127.0.0.1]/", "address_not_allowed"),
    ("http://2130706433/", "address_not_allowed"),  # 127.0.0.1 as one decimal number
    ("http://0x7f000001/", "address_not_allowed"),  # ... in hexadecimal
    ("http://0177.0.0.1/", "address_not_allowed"),  # ... in octal
    ("http://127.1/", "address_not_allowed"),  # ... shortened
    ("http://127.0.0.0x1/", "address_not_allowed"),
    ("http://０x7f.0.0.1/", "address_not_allowed"),  # fullwidth digits
    ("http://127。0。0。1/", "address_not_allowed"),  # ideographic full stops
    ("http://0/", "address_not_allowed"),
    ("http://8.8.8.8@127.0.0.1/", "address_not_allowed"),  # credentials that look like a host
    ("http://10.0.0.1/", "address_not_allowed"),
    ("http://192.168.1.1/", "address_not_allowed"),
    ("http://100.100.100.200/", "address_not_allowed"),  # carrier-grade NAT (a cloud's metadata)
    ("http://[fd00::1]/", "address_not_allowed"),
    ("http://localhost:{identity}/", "host_not_allowed"),
    ("http://LOCALHOST./", "host_not_allowed"),
    ("http://notary:8003/", "host_not_allowed"),  # a cluster service name
    ("http://payment-svc.shubbak.svc/", "host_not_allowed"),
    ("http://metadata.google.internal/", "host_not_allowed"),
    ("gopher://example.com/", "url_scheme"),
    ("file:///etc/passwd", "url_scheme"),
]


async def test_webhooks_never_reach_the_platforms_own_network(platform, ministry) -> None:
    ports = {
        "identity": platform.services["identity"].rsplit(":", 1)[1],
        "gateway": platform.gateway.rsplit(":", 1)[1],
        "postgres": platform.postgres.rsplit(":", 1)[1].split("/")[0],
    }
    async with from_new_address(platform) as integrator:
        headers = await token(integrator, ministry)
        for template, code in TARGETS:
            url = template.format(**ports)
            for language in ("en", "ar"):
                answer = await integrator.post(
                    "/v1/webhooks",
                    json={"url": url, "event_types": ["notary.poa.revoked.v1"]},
                    headers={**headers, "Accept-Language": language},
                )
                body = problem(answer, 422, "validation_failed")
                assert [(e["field"], e["code"]) for e in body["errors"]] == [("body.url", code)], (url, body)
                if language == "ar":
                    assert not latin_words(body["errors"][0]["reason"]), body["errors"][0]["reason"]
        listed = await integrator.get("/v1/webhooks", params={"limit": 100}, headers=headers)
    tried = {template.format(**ports) for template, _ in TARGETS}
    assert not {item["url"] for item in listed.json()["items"]} & tried


async def test_an_integrators_webhook_limit_holds_under_a_burst(platform, ministry) -> None:
    """50 subscriptions an integrator (each a row and a delivery queue): a burst of concurrent
    subscriptions cannot pass it (counted and inserted under a lock, not a count then an insert)."""
    async with from_new_address(platform) as integrator:
        headers = await token(integrator, ministry)
        subscribe = {"event_types": ["notary.poa.revoked.v1"]}

        async def one(n: int) -> httpx.Response:
            body = {**subscribe, "url": f"https://93.184.215.14/hooks/{n}"}  # public; deleted before it is called
            return await integrator.post("/v1/webhooks", json=body, headers=headers)

        answers = await asyncio.gather(*(one(n) for n in range(70)))
        statuses = Counter(a.status_code for a in answers)
        listed = (await integrator.get("/v1/webhooks", params={"limit": 100}, headers=headers)).json()["items"]
        for made in listed:  # nothing left to deliver to
            gone = await integrator.delete(f"/v1/webhooks/{made['id']}", headers=headers)
            assert gone.status_code == 204, gone.text
    assert set(statuses) <= {201, 409, 503}, statuses  # 503: shed by the gateway, never a 500
    assert statuses[201] == len(listed) <= 50, (statuses, len(listed))
    refused = [a for a in answers if a.status_code == 409]
    assert refused, statuses
    assert {a.json()["code"] for a in refused} == {"webhook_limit_reached"}
    assert statuses[201] == 50 or statuses[503], statuses  # the limit, unless the gateway shed some


async def test_a_token_is_only_what_it_is_everywhere(platform, ministry) -> None:
    """The gateway refuses at the door; each service refuses again, so nobody behind the gateway
    (another pod, a mis-routed request) gets further with the wrong kind of token."""
    async with from_new_address(platform) as client:
        citizen = await enrolled(client)
        integrator = await token(client, ministry)
        auditor = await staff_token(client, platform, "auditor")
        staff_routes = [("identity", "GET", "/v1/staff/audit"), ("payment", "GET", "/v1/payments/ledger/invariant")]
        integrator_routes = [("gateway", "GET", "/v1/webhooks"), ("gateway", "POST", "/v1/events")]
        citizen_routes = [
            ("notary", "GET", "/v1/powers-of-attorney"),
            ("notary", "POST", "/v1/certificates"),
            ("payment", "GET", "/v1/payments"),
            ("office_routing", "GET", "/v1/appointments"),
            ("ration", "GET", "/v1/ration-card"),
        ]
        tried = [
            (citizen.auth, staff_routes + integrator_routes),
            (integrator, staff_routes + citizen_routes),
            (auditor, citizen_routes + integrator_routes),
        ]
        for headers, routes in tried:
            for service, method, path in routes:
                for base in {platform.gateway, platform.services[service]}:
                    body = {} if method == "POST" else None
                    answer = await client.request(method, base + path, json=body, headers=headers)
                    if headers is integrator and service == "identity" and base != platform.gateway:
                        problem(answer, 401, "invalid_token")  # identity trusts no integrator key at all
                    else:
                        problem(answer, 403, "forbidden")

        header, claims, signature = citizen.token.split(".")
        as_staff = _b64({**_claims(claims), "typ": "staff", "roles": ["admin", "auditor"]})
        forged = {
            "unsigned": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{claims}.",
            "tampered": f"{header}.{as_staff}.{signature}",
            "staff, unsigned": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{as_staff}.",
            "refresh token": (await _refresh_token(client, citizen)),
        }
        for what, bearer in forged.items():
            for service, method, path in [*staff_routes, ("identity", "GET", "/v1/me")]:
                for base in {platform.gateway, platform.services[service]}:
                    answer = await client.request(method, base + path, headers={"Authorization": f"Bearer {bearer}"})
                    assert answer.status_code == 401, (what, base + path, answer.text)
                    problem(answer, 401, "invalid_token")


def _claims(part: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return loaded


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


async def _refresh_token(client: httpx.AsyncClient, citizen: Citizen) -> str:
    before = len(await citizen.sms_sent())
    started = await client.post("/v1/sessions", json={"national_id": citizen.person["national_id"]})
    assert started.status_code == 202, started.text
    code = await citizen.sms_code(after=before)
    verified = await client.post(f"/v1/sessions/{started.json()['id']}/verification", json={"code": code})
    assert verified.status_code == 201, verified.text
    return str(verified.json()["refresh_token"])


async def test_an_idempotency_key_replays_only_to_its_caller_and_only_the_same_request(platform) -> None:
    async with from_new_address(platform) as a_phone, from_new_address(platform) as b_phone:
        a, b = await enrolled(a_phone, _live), await enrolled(b_phone, _live)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        order = {"kind": "birth", "method": "wallet"}
        first = await a_phone.post("/v1/certificates", json=order, headers={**a.auth, **key})
        assert first.status_code == 201, first.text
        other_body = await a_phone.post("/v1/certificates", json={**order, "method": "card"}, headers={**a.auth, **key})
        problem(other_body, 422, "idempotency_key_reused")
        again = await a_phone.post("/v1/certificates", json=order, headers={**a.auth, **key})
        assert (again.status_code, again.headers.get("idempotent-replayed")) == (201, "true")
        assert again.json()["id"] == first.json()["id"]

        # B learns A's key (a log, a shared proxy): B gets B's own order, nothing of A's
        stolen = await b_phone.post("/v1/certificates", json=order, headers={**b.auth, **key})
        assert stolen.status_code == 201, stolen.text
        assert stolen.headers.get("idempotent-replayed") is None
        assert stolen.json()["id"] != first.json()["id"]
        assert stolen.json()["subject_national_ids"] == [b.person["national_id"]]
        problem(
            await b_phone.get(f"/v1/certificates/{first.json()['id']}", headers=b.auth), 404, "certificate_not_found"
        )


async def _chunks(size: int, piece: int = 64 * 1024) -> Any:
    for _ in range(size // piece):
        yield b" " * piece


async def test_bodies_too_big_too_deep_or_not_json_are_problems_never_500(platform) -> None:
    async with from_new_address(platform) as phone:
        a = await enrolled(phone)
        as_json = {**a.auth, "Content-Type": "application/json"}
        for path in ("/v1/powers-of-attorney", "/v1/webhooks", "/v1/enrolments"):  # a service's, the gateway's own
            declared = await phone.post(path, content=b"[" + b" " * (2 * 1024 * 1024) + b"]", headers=as_json)
            problem(declared, 413, "payload_too_large")
            streamed = await phone.post(path, content=_chunks(2 * 1024 * 1024), headers=as_json)
            problem(streamed, 413, "payload_too_large")
        deep = b'{"kind":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
        for path in ("/v1/powers-of-attorney", "/v1/certificates", "/v1/enrolments"):
            answer = await phone.post(path, content=deep, headers=as_json)
            assert answer.status_code in (400, 422), (path, answer.status_code, answer.text[:300])
            assert answer.headers["content-type"] == "application/problem+json"
        not_utf8 = await phone.post("/v1/certificates", content=b'{"kind": "\xff\xfe"}', headers=as_json)
        assert not_utf8.status_code in (400, 422), not_utf8.text
        form = await phone.post(
            "/v1/certificates", content=b"kind=birth", headers={**a.auth, "Content-Type": "text/plain"}
        )
        problem(form, 415, "unsupported_media_type")
        nested = base64.urlsafe_b64encode(b"[" * 5_000).decode().rstrip("=")  # a pagination cursor
        for path in ("/v1/powers-of-attorney", "/v1/documents", "/v1/payments", "/v1/appointments"):
            answer = await phone.get(path, params={"cursor": nested}, headers=a.auth)
            assert answer.status_code == 422, (path, answer.status_code, answer.text[:300])
        many = {"kind": "general", "scopes": ["general_management"], "agents": ["29001010300001"] * 5_000}
        crowded = await phone.post("/v1/powers-of-attorney", json=many, headers=a.auth)
        body = problem(crowded, 422, "validation_failed")
        assert body["errors"][0]["field"] == "body.agents", body


async def test_guessing_a_code_is_bounded_and_locks_the_challenge(platform) -> None:
    async with from_new_address(platform) as phone:
        a = await enrolled(phone)
        before = len(await a.sms_sent())
    async with from_new_address(platform) as attacker:
        started = await attacker.post("/v1/sessions", json={"national_id": a.person["national_id"]})
        assert started.status_code == 202, started.text
        path = f"/v1/sessions/{started.json()['id']}/verification"
        async with from_new_address(platform) as phone:
            a.client = phone
            code = await a.sms_code(after=before)
        assert code is not None
        guesses = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 40)]
        answers = await asyncio.gather(*(attacker.post(path, json={"code": g}) for g in guesses))
        outcomes = Counter((r.status_code, r.json()["code"]) for r in answers)
        assert outcomes[(422, "otp_wrong")] <= 4, outcomes  # the fifth wrong guess locks, however many race
        assert outcomes[(429, "otp_locked")] >= 1, outcomes
        assert set(outcomes) <= {(422, "otp_wrong"), (429, "otp_locked"), (429, "too_many_requests")}, outcomes
    async with from_new_address(platform) as elsewhere:
        right = await elsewhere.post(path, json={"code": code}, headers={"Accept-Language": "en"})
        # the right code no longer opens the challenge: identity locked it (otp_locked) and the
        # gateway stopped the burst of guesses at it (too_many_requests), each with Retry-After
        assert right.status_code == 429, right.text
        assert right.json()["code"] in ("otp_locked", "too_many_requests"), right.text
        assert 1 <= int(right.headers["retry-after"]) <= 3600
        again = await elsewhere.post("/v1/sessions", json={"national_id": a.person["national_id"]})
        body = problem(again, 429, "otp_locked")  # a fresh challenge brings no fresh attempts
        assert int(again.headers["retry-after"]) >= 1
        assert body["title"] == "تم إيقاف الرمز"  # Arabic by default


async def test_sms_pumping_to_one_citizen_or_one_mobile_is_bounded(platform) -> None:
    async with from_new_address(platform) as phone:
        victim = await enrolled(phone)
        before = len(await victim.sms_sent())
    statuses = []
    for _ in range(12):  # sign-in starts for the victim's national ID, each from another address
        async with from_new_address(platform) as bot:
            statuses.append(
                (await bot.post("/v1/sessions", json={"national_id": victim.person["national_id"]})).status_code
            )
    async with from_new_address(platform) as phone:
        victim.client = phone
        sent = len(await victim.sms_sent()) - before
    assert set(statuses) == {202, 429}, statuses
    assert sent == statuses.count(202) <= 5, (sent, statuses)

    mobile = "01234567890"
    statuses = []
    for _ in range(10):  # enrolments of ten real people, all naming one mobile (a premium line)
        someone = next(_people)
        body = {"national_id": someone["national_id"], "first_name": someone["first_name_ar"],
                "mother_first_name": someone["mother_first_name_ar"], "mobile": mobile}  # fmt: skip
        async with from_new_address(platform) as bot:
            statuses.append((await bot.post("/v1/enrolments", json=body)).status_code)
    async with from_new_address(platform) as phone:
        pumped = (await phone.get("/v1/dev/sms", params={"mobile": mobile})).json()
    assert set(statuses) == {202, 429}, statuses
    assert len(pumped) == statuses.count(202) <= 5, (len(pumped), statuses)


@pytest.mark.parametrize("signature", [None, "t=1,v1=00", "garbage"])
async def test_a_forged_payment_notification_is_refused_and_only_its_hash_kept(platform, signature) -> None:
    marker = uuid.uuid4().hex
    notice = {"id": f"evt_{marker}", "type": "payment.succeeded", "reference": "ca_0", "filler": marker * 250}
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if signature is not None:
        headers["Shubbak-Signature"] = signature
    async with from_new_address(platform) as forger:
        answer = await forger.post("/v1/provider-notifications/card", content=json.dumps(notice), headers=headers)
    problem(answer, 401, "notification_refused")
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    engine = create_async_engine(f"{server}/payment")
    try:
        async with engine.connect() as conn:
            tables = (
                await conn.execute(
                    text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'payment'")
                )
            ).scalars()
            found = []
            for table in tables:
                rows = await conn.execute(
                    text(f"SELECT count(*) FROM payment.{table} t WHERE t::text LIKE :marker"),
                    {"marker": f"%{marker}%"},
                )
                if rows.scalar_one():
                    found.append(table)
            kept = await conn.execute(
                text("SELECT count(*) FROM payment.provider_notification_refusals WHERE body_bytes = :size"),
                {"size": len(json.dumps(notice))},
            )
    finally:
        await engine.dispose()
    assert found == [], f"the forged body is kept in {found}"
    assert kept.scalar_one() >= 1
