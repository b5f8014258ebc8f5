"""Text that lies: invisible and bidirectional control characters are refused in every field of
every request, by kit's middleware, with a bilingual 422 naming the field."""

from __future__ import annotations

import json
import logging
import unicodedata

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from kit import errors, text_safety
from kit.middleware import RequestContextMiddleware
from kit.textcheck import latin_words

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
ZWSP, BOM, SOFT_HYPHEN, WORD_JOINER, TAG_A = "\u200b", "\ufeff", "\u00ad", "\u2060", "\U000e0061"
LRM, RLM, ALM, ZWNJ, ZWJ = "\u200e", "\u200f", "\u061c", "\u200c", "\u200d"


class Agent(BaseModel):
    name: str


class PowerOfAttorney(BaseModel):
    special_conditions: str
    agents: list[Agent] = []


def _app(*, middleware: bool = True) -> FastAPI:
    app = FastAPI()
    errors.install(app)
    if middleware:
        app.add_middleware(RequestContextMiddleware, service="test", max_body_bytes=100_000)

    @app.post("/poa")
    async def poa(body: PowerOfAttorney) -> dict[str, str]:
        return {"stored": body.special_conditions}

    @app.get("/search")
    async def search(q: str = "") -> dict[str, str]:
        return {"q": q}

    @app.post("/file")
    async def file(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


def _refused(response: httpx.Response) -> list[dict]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {e["code"] for e in body["errors"]} == {"invisible_character"}
    return body["errors"]


class TestRefused:
    # A power of attorney whose conditions read, when printed, "... without the right to sell".
    CONDITIONS = f"يحق للوكيل البيع {RLO}عيبلا قح نود{PDF}"

    async def test_a_right_to_left_override_in_a_legal_text_is_refused_naming_the_field(self, client):
        named = {"ar": "U+202E (علامة تتحكم في اتجاه النص)", "en": "U+202E RIGHT-TO-LEFT OVERRIDE"}
        for language, words in (("ar", "حرف غير مرئي"), ("en", "invisible character")):
            response = await client.post(
                "/poa", json={"special_conditions": self.CONDITIONS}, headers={"Accept-Language": language}
            )
            [error] = _refused(response)
            assert error["field"] == "body.special_conditions"
            assert named[language] in error["reason"]
            assert words in error["reason"]
            if language == "ar":  # Unicode's names are English: the Arabic reason says what kind it is
                assert not latin_words(error["reason"]), error["reason"]

    @pytest.mark.parametrize("char", [RLO, PDF, LRI, PDI, ZWSP, BOM, SOFT_HYPHEN, WORD_JOINER, TAG_A, "\u2028", "\x07"])
    async def test_every_invisible_or_explicit_bidi_character_in_any_field(self, client, char):
        body = {"special_conditions": "شروط", "agents": [{"name": "أحمد"}, {"name": f"محمد{char}علي"}]}
        [error] = _refused(await client.post("/poa", json=body))
        assert error["field"] == "body.agents.1.name"
        assert f"U+{ord(char):04X}" in error["reason"]

    async def test_escaped_in_json_as_ascii_clients_send_it(self, client):
        raw = json.dumps({"special_conditions": self.CONDITIONS})  # ensure_ascii: \u202e
        assert "\\u202e" in raw
        [error] = _refused(await client.post("/poa", content=raw, headers={"content-type": "application/json"}))
        assert error["field"] == "body.special_conditions"

    async def test_found_across_chunk_boundaries(self, client):
        raw = json.dumps({"special_conditions": "x" * 300 + RLO + "y"}, ensure_ascii=False).encode()
        at = raw.index(RLO.encode())

        async def split_inside_the_character():
            yield raw[: at + 1]
            yield raw[at + 1 :]

        response = await client.post(
            "/poa", content=split_inside_the_character(), headers={"content-type": "application/json"}
        )
        assert _refused(response)[0]["field"] == "body.special_conditions"
        escaped = json.dumps({"special_conditions": "x" * 300 + RLO}).encode()
        cut = escaped.index(b"\\u202e") + 3

        async def split_inside_the_escape():
            yield escaped[:cut]
            yield escaped[cut:]

        response = await client.post(
            "/poa", content=split_inside_the_escape(), headers={"content-type": "application/json"}
        )
        assert _refused(response)[0]["field"] == "body.special_conditions"

    async def test_forms_queries_and_paths(self, client):
        form = await client.post("/file", data={"grant_type": "client_credentials", "note": f"a{ZWSP}b"})
        assert _refused(form)[0]["field"] == "body.note"
        query = await client.get("/search", params={"q": f"حي{RLO}"})
        assert _refused(query)[0]["field"] == "query.q"
        path = await client.get("/search%E2%80%AE")
        assert _refused(path)[0]["field"] == "path"


class TestKept:
    async def test_arabic_with_its_joiners_and_implicit_direction_marks_is_accepted(self, client):
        # ZWNJ/ZWJ choose letter forms; LRM/RLM/ALM place a Latin name or a number in Arabic text.
        text = f"يحق للوكيل{RLM} (Ahmed Ali{LRM}) بيع الشقة رقم 12{ALM}/3 مي{ZWNJ}خواهم {ZWJ}؜ ؀١٢ ۝"
        response = await client.post("/poa", json={"special_conditions": text})
        assert response.status_code == 200, response.text
        assert response.json() == {"stored": text}

    async def test_a_literal_backslash_u_is_text_not_an_escape(self, client):
        text = "\\u202e is how the override is written"
        response = await client.post("/poa", json={"special_conditions": text})
        assert (response.status_code, response.json()) == (200, {"stored": text})

    async def test_tab_newline_and_a_bom_before_the_json_are_fine(self, client):
        response = await client.post(
            "/poa",
            content=BOM.encode() + json.dumps({"special_conditions": "سطر\n\tسطر"}).encode(),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 200, response.text  # a BOM outside any string is not text
        assert response.json() == {"stored": "سطر\n\tسطر"}

    async def test_a_body_read_by_the_route_itself_is_refused_and_logged_as_no_error(self, caplog):
        """The middleware around the whole app (as the gateway has it), so the refusal passes the
        app's handler of unexpected errors on its way back to the middleware."""
        outer = RequestContextMiddleware(_app(middleware=False), service="test", max_body_bytes=100_000)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url="http://t")
        response = await client.post("/file", json={"name": f"a{RLO}b"})
        [error] = _refused(response)
        assert error["field"] == "body.name"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

        async def chunked():  # no Content-Length: found too big while the route reads it
            for _ in range(4):
                yield b" " * 60_000

        too_big = await client.post("/file", content=chunked())
        assert (too_big.status_code, too_big.json()["code"]) == (413, "payload_too_large")
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

    async def test_files_are_not_free_text(self, client):
        csv = BOM.encode() + "الاسم,الرقم\n".encode()  # spreadsheets write a BOM
        response = await client.post("/file", content=csv, headers={"content-type": "text/csv"})
        assert response.status_code == 200


class TestTheList:
    def test_each_kind_is_described_in_arabic_by_its_code_point(self):
        for char, kind in ((LRI, "علامة تتحكم في اتجاه النص"), (ZWSP, "حرف تنسيق غير مرئي"), ("\x07", "حرف تحكم"),
                           ("\u2028", "فاصل أسطر أو فقرات"), ("\u3164", "حرف فارغ لا يظهر")):  # fmt: skip
            described = text_safety.describe(char)
            assert described.ar == f"U+{ord(char):04X} ({kind})"
            assert described.en.startswith(f"U+{ord(char):04X} ")
            assert not latin_words(described.ar)

    def test_a_body_nested_too_deep_to_read_names_nothing_and_raises_nothing(self):
        assert text_safety.in_json(b'{"a":' + b"[" * 50_000 + RLO.encode() + b"]" * 50_000 + b"}") == []

    def test_what_is_refused_and_what_is_kept(self):
        for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0xFEFF, 0x00AD, 0x2060, 0xE0001, 0x7F):
            assert code in text_safety.REFUSED, hex(code)
        for code in (0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0x0600, 0x06DD, 0x09, 0x0A, 0x0D, 0x20, 0xA0):
            assert code not in text_safety.REFUSED, hex(code)
        assert all(unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp", "Lo") for c in text_safety.REFUSED)
