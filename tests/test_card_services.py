"""Card services and certificates for the people the demo registry says they are, through the
gateway of the platform as `make run` starts it (demo data included):

an enrolled demo citizen sees the ration card of their household (ration's demo built the cards
from identity's registry) → asks to add the newborn the registry knows → decided at once on the
birth record → pays the catalogue's fee by wallet → the card's members and entitlement change →
a marriage certificate of their registered marriage is issued, signed, and verifies as valid.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from paperless_support import Citizen

from identity.demo import PEOPLE, SEED, TODAY
from identity.registry.generate import write_csv
from kit.testing import eventually

SUBSIDY, CAP = 5000, 20000  # ration's demo rule set 2025.1: EGP 50 a member, EGP 200 a card


def demo_registry() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    people, marriages = io.StringIO(), io.StringIO()
    write_csv(people, PEOPLE, seed=SEED, today=TODAY, marriages=marriages)
    return list(csv.DictReader(io.StringIO(people.getvalue()))), list(csv.DictReader(io.StringIO(marriages.getvalue())))


def fathers_of_newborns(people: list[dict[str, str]]) -> list[tuple[dict[str, str], str, int]]:
    """(father, his newborn, older children at home) for living married fathers outside Port Said
    (whose people the other flows enrol) with a child born in the extract's last year, fewest
    children first (so the entitlement is below the card's cap and visibly grows)."""
    by_id = {p["national_id"]: p for p in people}
    since = (max(date.fromisoformat(p["birth_date"]) for p in people) - timedelta(days=365)).isoformat()
    found = []
    for father in people:
        wife = by_id.get(father["spouse_national_id"])
        if father["alive"] != "true" or father["marital_status"] != "married" or father["governorate"] == "03":
            continue
        if wife is None or wife["alive"] != "true" or father["sex"] != "male":
            continue
        kids = [p for p in people if p["father_national_id"] == father["national_id"] and p["alive"] == "true"]
        newborns = [k["national_id"] for k in kids if k["birth_date"] >= since]
        older = [k for k in kids if k["birth_date"] < since and k["marital_status"] == "single"]
        if newborns and len(older) <= 1:
            found.append((father, newborns[0], len(older)))
    return sorted(found, key=lambda f: (f[2], f[0]["national_id"]))


async def live(client: httpx.AsyncClient, governorate: str) -> bool:
    quote = await client.get(
        "/v1/services/ration.card.add_newborn/quote",
        params={"channel": "web", "method": "wallet", "governorate": governorate},
    )
    return quote.status_code == 200


async def an_eligible_card(client: httpx.AsyncClient, people) -> tuple[Citizen, str, dict[str, Any]]:
    """Enrol the first candidate whose governorate has the service and whose card is eligible (the
    demo excludes a few households by a car or their electricity use)."""
    for father, newborn, _ in fathers_of_newborns(people):
        if not await live(client, father["governorate"]):
            continue
        citizen = Citizen(client, father)
        await citizen.enrol()
        response = await client.get("/v1/ration-card", headers=citizen.auth)
        assert response.status_code == 200, response.text  # every demo household has its card
        card = response.json()
        if card["decision"]["eligible"]:
            return citizen, newborn, card
    raise AssertionError("no eligible demo household with a newborn in a live governorate")


async def test_a_demo_citizen_adds_the_registered_newborn_and_gets_a_marriage_certificate(platform) -> None:
    people, marriages = demo_registry()
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        citizen, newborn, card = await an_eligible_card(client, people)
        me = citizen.person["national_id"]
        assert card["holder_national_id"] == me
        on_card = {m["national_id"] for m in card["members"]}
        assert citizen.person["spouse_national_id"] in on_card
        assert newborn not in on_card  # born after the supply office's file
        before = len(on_card)
        assert card["decision"]["members_count"] == before
        assert card["decision"]["entitlement_piastres"] == min(before * SUBSIDY, CAP)

        asked = await client.post(
            f"/v1/ration-card/{card['id']}/member-requests",
            json={"kind": "add_newborn", "national_id": newborn, "method": "wallet"},
            headers=citizen.auth,
        )
        assert asked.status_code == 201, asked.text
        request = asked.json()
        assert request["status"] == "awaiting_payment"
        assert request["decision"]["by"] == "registry"
        assert request["fee"]["service_code"] == "ration.card.add_newborn"
        assert request["fee"]["amount_piastres"] > 0
        intent = await citizen.pay(request["payment"], str(uuid.uuid4()))
        assert intent["amount_piastres"] == request["fee"]["amount_piastres"]

        async def completed() -> dict[str, Any] | None:
            found = (await client.get(f"/v1/ration-card-requests/{request['id']}", headers=citizen.auth)).json()
            return found if found["status"] == "completed" else None

        done = await eventually(completed, "the newborn added")
        assert done["paid_piastres"] == request["fee"]["amount_piastres"]
        after = (await client.get("/v1/ration-card", headers=citizen.auth)).json()
        assert newborn in {m["national_id"] for m in after["members"]}
        assert after["decision"]["members_count"] == before + 1
        assert after["decision"]["entitlement_piastres"] == min((before + 1) * SUBSIDY, CAP)
        assert after["decision"]["entitlement_piastres"] > card["decision"]["entitlement_piastres"]

        # the marriage the registry records, as a certificate
        [marriage] = [m for m in marriages if me == m["husband_national_id"] and not m["divorce_date"]]
        family = (await client.get("/v1/certificates/family", headers=citizen.auth)).json()
        assert marriage["marriage_id"] in [m["marriage_id"] for m in family["marriages"]]
        ordered = await client.post(
            "/v1/certificates",
            json={"kind": "marriage", "marriage_id": marriage["marriage_id"], "method": "wallet"},
            headers=citizen.auth,
        )
        assert ordered.status_code == 201, ordered.text
        certificate = ordered.json()
        await citizen.pay(certificate["payment"], str(uuid.uuid4()))

        async def issued() -> dict[str, Any] | None:
            found = (await client.get(f"/v1/certificates/{certificate['id']}", headers=citizen.auth)).json()
            return found if found["status"] == "issued" else None

        number = (await eventually(issued, "the marriage certificate"))["document_number"]
        document = (await client.get(f"/v1/documents/{number}", headers=citizen.auth)).json()
        assert document["content"]["marriage"]["marriage_date"] == marriage["marriage_date"]
        assert document["content"]["husband"]["national_id"] == me
        assert document["content"]["wife"]["national_id"] == marriage["wife_national_id"]
        check = await client.get(f"/v1/documents/{number}/verification", params={"code": document["verification_code"]})
        assert check.json()["status"] == "valid", check.text
