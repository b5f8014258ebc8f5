"""Certificates for the citizen and the family the registry links: request, pay, issued at once."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from notary_support import Harness

from kit.document_signing import unb64url, verify
from kit.testing import eventually

URL = "/v1/certificates"


async def family_of(h: Harness) -> dict:
    """A married couple with a child; the husband is the citizen."""
    wife = await h.person(sex="female", full_name_ar="منى حسن", born=date(1988, 1, 9))
    sub, headers, me = await h.citizen(spouse_national_id=wife, marital_status="married")
    child = await h.person(
        born=date(2016, 3, 4),
        full_name_ar="ليلى محمد أحمد",
        father_national_id=me,
        mother_national_id=wife,
        sex="female",
    )
    marriage = await h.marriage(me, wife)
    return {"sub": sub, "headers": headers, "me": me, "wife": wife, "child": child, "marriage": marriage}


async def issued(h: Harness, cert: dict, headers: dict[str, str]) -> dict:
    await h.pay(cert["id"], cert["_sub"], cert["amount_piastres"], service_code=cert["service_code"])

    async def done() -> dict | None:
        body = (await h.client.get(f"{URL}/{cert['id']}", headers=headers)).json()
        return body if body["status"] == "issued" else None

    return await eventually(done, "certificate never issued")


class TestFamily:
    async def test_members_and_marriages_as_the_registry_links_them(self, h: Harness):
        f = await family_of(h)
        body = (await h.client.get(f"{URL}/family", headers=f["headers"])).json()
        relations = {m["national_id"]: m["relation"] for m in body["members"]}
        assert relations == {f["me"]: "self", f["wife"]: "spouse", f["child"]: "child"}
        assert [m["marriage_id"] for m in body["marriages"]] == [f["marriage"]]


class TestRequestAndIssue:
    async def test_birth_certificate_of_a_child_issued_on_payment(self, h: Harness):
        f = await family_of(h)
        body = {"kind": "birth", "national_id": f["child"], "method": "card"}
        response = await h.client.post(URL, json=body, headers=f["headers"])
        assert response.status_code == 201, response.text
        cert = {**response.json(), "_sub": f["sub"]}
        assert cert["status"] == "awaiting_payment"
        assert cert["relation"] == "child"
        assert cert["payment"]["order_id"] == cert["id"]
        assert cert["amount_piastres"] > 0
        done = await issued(h, cert, f["headers"])
        number = done["document_number"]
        assert number.startswith("BC-")
        doc = (await h.client.get(f"/v1/documents/{number}", headers=f["headers"])).json()
        content = json.loads(unb64url(doc["canonical"]))
        assert content["person"]["full_name_ar"] == "ليلى محمد أحمد"
        assert content["person"]["mother_name_ar"] == "منى حسن"
        key = (await h.client.get("/v1/documents/signing-keys")).json()["keys"][0]
        assert verify(key["x"], doc["signature"], unb64url(doc["canonical"]))
        tampered = unb64url(doc["canonical"]).replace("ليلى".encode(), "سلمى".encode())
        assert not verify(key["x"], doc["signature"], tampered)
        check = await h.client.get(f"/v1/documents/{number}/verification", params={"code": doc["verification_code"]})
        assert check.json()["status"] == "valid"
        mine = (await h.client.get("/v1/documents", headers=f["headers"])).json()["items"]
        assert [d["document_number"] for d in mine] == [number]

    async def test_marriage_and_divorce(self, h: Harness):
        f = await family_of(h)
        response = await h.client.post(
            URL, json={"kind": "marriage", "marriage_id": f["marriage"], "method": "wallet"}, headers=f["headers"]
        )
        assert response.status_code == 201, response.text
        done = await issued(h, {**response.json(), "_sub": f["sub"]}, f["headers"])
        assert done["subject_national_ids"] == [f["me"], f["wife"]]
        page_url = f"/v1/documents/{done['document_number']}/page"
        page = await h.client.get(page_url, headers={**f["headers"], "Accept-Language": "ar"})
        assert "منى حسن" in page.text
        assert "وثيقة زواج" in page.text
        english = await h.client.get(page_url, headers={**f["headers"], "Accept-Language": "en"})
        assert "Marriage certificate" in english.text
        assert "وثيقة زواج" not in english.text
        divorce = await h.client.post(
            URL, json={"kind": "divorce", "marriage_id": f["marriage"], "method": "card"}, headers=f["headers"]
        )
        assert divorce.status_code == 422
        assert divorce.json()["errors"][0]["code"] == "not_divorced"

    async def test_strangers_are_refused(self, h: Harness):
        f = await family_of(h)
        stranger = await h.person()
        response = await h.client.post(
            URL, json={"kind": "birth", "national_id": stranger, "method": "card"}, headers=f["headers"]
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "not_family"
        other = await family_of(h)
        response = await h.client.post(
            URL, json={"kind": "marriage", "marriage_id": other["marriage"], "method": "card"}, headers=f["headers"]
        )
        assert response.json()["errors"][0]["code"] == "not_your_marriage"

    async def test_the_open_request_limit_holds_under_concurrency(self, h: Harness):
        f = await family_of(h)
        limit = h.settings.open_requests_per_citizen
        body = {"kind": "birth", "method": "card"}
        answers = await asyncio.gather(*(h.client.post(URL, json=body, headers=f["headers"]) for _ in range(50)))
        statuses = [a.status_code for a in answers]
        assert (statuses.count(201), statuses.count(409)) == (limit, 50 - limit), statuses
        listed = (await h.client.get(URL, params={"limit": 100}, headers=f["headers"])).json()["items"]
        assert len(listed) == limit

    async def test_another_citizen_sees_nothing(self, h: Harness):
        f = await family_of(h)
        other = await family_of(h)
        created = await h.client.post(URL, json={"kind": "birth", "method": "card"}, headers=f["headers"])
        cert = {**created.json(), "_sub": f["sub"]}
        assert (await h.client.get(f"{URL}/{cert['id']}", headers=other["headers"])).status_code == 404
        cancel = await h.client.post(f"{URL}/{cert['id']}/cancellation", headers=other["headers"])
        assert cancel.status_code == 404
        done = await issued(h, cert, f["headers"])
        number = done["document_number"]
        assert (await h.client.get(f"/v1/documents/{number}", headers=other["headers"])).status_code == 404
        assert (await h.client.get(f"/v1/documents/{number}/page", headers=other["headers"])).status_code == 404
        assert (await h.client.get(f"{URL}/{cert['id']}/cancellation", headers=f["headers"])).status_code == 405
        assert (await h.client.post(f"{URL}/{cert['id']}/cancellation", headers=f["headers"])).status_code == 409


class TestPayment:
    async def test_a_payment_after_cancellation_is_refused_not_issued(self, h: Harness):
        f = await family_of(h)
        created = await h.client.post(URL, json={"kind": "birth", "method": "wallet"}, headers=f["headers"])
        cert = created.json()
        assert (await h.client.post(f"{URL}/{cert['id']}/cancellation", headers=f["headers"])).status_code == 200
        payment = await h.pay(cert["id"], f["sub"], cert["amount_piastres"], service_code=cert["service_code"])
        (answer,) = await h.answered(payment)
        assert (answer["answer"], answer["reason"]) == ("refused", "order_cancelled")
        after = (await h.client.get(f"{URL}/{cert['id']}", headers=f["headers"])).json()
        assert (after["status"], after["document_number"]) == ("cancelled", None)

    async def test_another_services_fee_is_refused_then_one_certificate_for_two_payments(self, h: Harness):
        f = await family_of(h)
        created = await h.client.post(URL, json={"kind": "birth", "method": "wallet"}, headers=f["headers"])
        cert = {**created.json(), "_sub": f["sub"]}
        claims = json.loads(unb64url(cert["payment"]["quote"].split(".")[1]))
        assert (claims["order_ref"], claims["sub"]) == (f"notary:{cert['id']}", f["sub"])
        card_fee = await h.pay(cert["id"], f["sub"], 1050, service_code="ration.card.replace_lost")
        (answer,) = await h.answered(card_fee)
        assert (answer["answer"], answer["reason"]) == ("refused", "service_mismatch")
        done = await issued(h, cert, f["headers"])
        again = await h.pay(cert["id"], f["sub"], cert["amount_piastres"], service_code=cert["service_code"])
        (answer,) = await h.answered(again)
        assert (answer["answer"], answer["reason"]) == ("refused", "already_paid")
        still = (await h.client.get(f"{URL}/{cert['id']}", headers=f["headers"])).json()
        assert still["document_number"] == done["document_number"]
