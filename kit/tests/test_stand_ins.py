"""The stand-ins a service's own tests put in place of identity's registry and catalog's order
quotes (kit.testing): served over real HTTP and asked through kit's own clients, they answer as
the real services do, and refuse a caller without the internal token."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date

import httpx
import pytest

from kit.catalog import Catalog
from kit.errors import ProblemError
from kit.registry import Marriage, Registry, RegistryPerson
from kit.testing import quotes_stand_in, registry_stand_in

TOKEN = "stand-in-token"


def person(nid: str, born: date, *, governorate: str = "03", **links: str) -> RegistryPerson:
    return RegistryPerson(
        national_id=nid, birth_date=born, sex="male", governorate=governorate, alive=True,
        marital_status="married", first_name_ar="محمد", full_name_ar="محمد أحمد علي", **links,
    )  # fmt: skip


class TestRegistryStandIn:
    async def test_a_person_with_children_and_marriages_as_identity_links_them(self) -> None:
        father, mother = "28001010300011", "28201010300022"
        older, younger = "31001010300031", "31501010300041"
        people = [
            person(father, date(1980, 1, 1), spouse_national_id=mother),
            person(younger, date(2015, 1, 1), father_national_id=father, mother_national_id=mother),
            person(older, date(2010, 1, 1), father_national_id=father, mother_national_id=mother),
        ]
        async with registry_stand_in(people, token=TOKEN) as stand_in, httpx.AsyncClient() as http:
            stand_in.marry(Marriage(marriage_id="m-1", husband_national_id=father, wife_national_id=mother,
                                    marriage_date=date(2008, 5, 1), governorate="03"))  # fmt: skip
            registry = Registry(http, stand_in.url, TOKEN)
            found = await registry.person(father)
            assert found is not None
            assert found.children == [older, younger]  # by birth date
            assert [m.marriage_id for m in found.marriages] == ["m-1"]
            assert found.spouse_national_id == mother
            assert await registry.person(mother) is None  # not in the registry

    async def test_the_extract_page_by_page_of_one_governorate(self) -> None:
        people = [
            person(f"2900101{gov}0{i:04d}", date(1990, 1, 1), governorate=gov) for gov in ("03", "21") for i in range(5)
        ]
        async with registry_stand_in(people, token=TOKEN) as stand_in, httpx.AsyncClient() as http:
            registry = Registry(http, stand_in.url, TOKEN)
            found = [entry.national_id async for entry in registry.everyone(governorate="21", page_size=2)]
        assert found == sorted(p.national_id for p in people if p.governorate == "21")

    async def test_a_caller_without_the_token_is_refused(self) -> None:
        async with registry_stand_in([person("29001010300011", date(1990, 1, 1))], token=TOKEN) as stand_in:
            async with httpx.AsyncClient() as http:
                answer = await http.get(f"{stand_in.url}/internal/registry/persons/29001010300011")
                assert answer.status_code == 401
                with pytest.raises(ProblemError) as refused:
                    await Registry(http, stand_in.url, "another-token", attempts=1).person("29001010300011")
        assert refused.value.code == "registry_unavailable"


class TestQuotesStandIn:
    async def test_a_quote_bound_to_the_order_and_its_citizen(self) -> None:
        fees = {"notary.poa.general": [("base_fee", 6000), ("stamp_duty", 550)]}
        citizen = uuid.uuid4()
        async with quotes_stand_in(fees, token=TOKEN) as stand_in, httpx.AsyncClient() as http:
            catalog = Catalog(http, stand_in.url, TOKEN)
            quote = await catalog.quote(
                service_code="notary.poa.general", channel="web", method="card", governorate="03",
                order_ref="notary:1", citizen_id=citizen,
            )  # fmt: skip
            assert (quote.total_piastres, [line.code for line in quote.lines]) == (6550, ["base_fee", "stamp_duty"])
            assert quote.expires_at > quote.issued_at
            claims = json.loads(_b64(quote.token.split(".")[1]))
            assert (claims["order_ref"], claims["sub"], claims["total_piastres"]) == ("notary:1", str(citizen), 6550)
            assert [q["quote_id"] for q in stand_in.issued] == [quote.quote_id]
            with pytest.raises(ProblemError) as refused:
                await catalog.quote(
                    service_code="civil.certificate.birth", channel="web", method="card", governorate="03",
                    order_ref="notary:2", citizen_id=citizen,
                )  # fmt: skip
            assert (refused.value.code, refused.value.status) == ("quote_refused", 409)
            with pytest.raises(ProblemError) as unauthorised:
                await Catalog(http, stand_in.url, "another-token", attempts=1).quote(
                    service_code="notary.poa.general", channel="web", method="card", governorate="03",
                    order_ref="notary:3", citizen_id=citizen,
                )  # fmt: skip
            assert unauthorised.value.code == "catalog_unavailable"


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
