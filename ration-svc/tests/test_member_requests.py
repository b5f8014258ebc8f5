"""Member requests (إضافة مولود / حذف فرد) against real PostgreSQL, NATS, a real catalog-svc (its
own process on its own migrated database) and identity's civil registry mirror, asked over HTTP
with the service token (stood in: the people each test writes, answered as identity answers):
the registry proves it → decided at once; it does not → an officer's queue; the fee is the
catalogue's and is paid like a replacement card (payment-svc's events on NATS); a registry event
first → already done; a request then the event → one member, and a late payment is refused for a
refund."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest
from ration_support import RULES_2025, citizen_id, nid, now, settings, started
from sqlalchemy import func, select, text

from contracts import Envelope, Event
from contracts.events.civil import BirthRegistered
from contracts.events.payment import PaymentSucceeded
from kit.testing import RegistryStandIn, eventually, signed, stream_messages
from ration.audit.models import AuditEntry
from ration.cards import service as cards
from ration.cards.models import Household, Member
from ration.eligibility import service as eligibility
from ration.facts import repository as facts
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

EN = {"Accept-Language": "en"}


def new_nid(born: date, sex: str = "male") -> str:
    return nid(born, male=sex == "male")


@pytest.fixture(scope="module")
async def catalog_http(catalog):
    """The real catalog-svc's public API, to read the published fees."""
    async with httpx.AsyncClient(base_url=catalog.url) as client:
        yield client


@pytest.fixture(scope="module")
async def client(ration_url, nats_server, tokens, sessions, catalog, registry):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())
    config = settings(
        ration_url, nats_server.url, catalog_url=catalog.url, identity_url=registry[1], member_requests_open_per_card=3
    )
    async with started(config, tokens) as (_, http):
        yield http


@pytest.fixture(scope="module")
def people(registry) -> RegistryStandIn:
    """The civil registry's people, as identity's mirror answers about them."""
    return registry[0]


class Family:
    """A household on a card and in the civil registry: holder, wife, and what the test adds."""

    def __init__(
        self, sessions, people: RegistryStandIn, card: Household, holder: str, wife: str, kids: list[str]
    ) -> None:
        self.sessions, self.people, self.card, self.holder, self.wife = sessions, people, card, holder, wife
        self.kids = kids

    @classmethod
    async def make(cls, sessions, people: RegistryStandIn, *, children: int = 0) -> Family:
        holder, wife = new_nid(date(1985, 3, 3)), new_nid(date(1988, 4, 4), "female")
        people.person(holder, marital_status="married", spouse_national_id=wife)
        people.person(wife, sex="female", marital_status="married", spouse_national_id=holder)
        kids = [registry_child(people, holder, wife, date(2015 + i, 1, 1)) for i in range(children)]
        async with sessions() as session, session.begin():
            card = await cards.create_household(
                session,
                governorate="03",
                supply_office="PS-01",
                holder_national_id=holder,
                members=[(wife, "spouse"), *((k, "child") for k in kids)],
                now=now(),
            )
        return cls(sessions, people, card, holder, wife, kids)

    async def newborn(self, born: date | None = None) -> str:
        return registry_child(self.people, self.holder, self.wife, born or date.today() - timedelta(days=40))

    async def members(self) -> dict[str, str]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Member).where(Member.household_id == self.card.id, Member.removed_at.is_(None))
            )
            return {m.national_id: m.relation for m in rows}


def registry_child(people: RegistryStandIn, father: str, mother: str, born: date) -> str:
    child = new_nid(born, "female")
    return people.person(child, sex="female", father_national_id=father, mother_national_id=mother)


async def publish(js, event: Event, source: str = "payment-svc") -> Envelope:
    envelope = Envelope.wrap(event, source=source)
    await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
    return envelope


def succeeded(request: dict, holder: str, *, amount: int | None = None) -> PaymentSucceeded:
    """payment-svc's announcement of the holder's payment of the request's fee."""
    return PaymentSucceeded(
        payment_id=uuid.uuid4(),
        citizen_id=citizen_id(holder),
        service_code=request["fee"]["service_code"],
        order_ref=request["order_ref"],
        amount_piastres=request["fee"]["amount_piastres"] if amount is None else amount,
        method="card",
        provider_reference=f"tx_{uuid.uuid4().hex[:8]}",
        paid_at=now(),
    )


def birth(family: Family, child: str, born: date) -> BirthRegistered:
    return BirthRegistered(
        child_national_id=child, first_name_ar="ليلى", full_name_ar="ليلى محمد أحمد", birth_date=born, sex="female",
        governorate="03", father_national_id=family.holder, mother_national_id=family.wife, registered_at=now(),
    )  # fmt: skip


async def ask(client, tokens, family: Family, body: dict, *, status: int = 201, who: str | None = None) -> dict:
    response = await client.post(
        f"/v1/ration-card/{family.card.id}/member-requests",
        json=body,
        headers={**tokens.citizen(who or family.holder), **EN},
    )
    assert response.status_code == status, response.text
    return response.json()


async def reaches(client, tokens, family: Family, request_id: str, status: str) -> dict:
    async def reached():
        body = (
            await client.get(f"/v1/ration-card-requests/{request_id}", headers=tokens.citizen(family.holder))
        ).json()
        return body if body["status"] == status else None

    return await eventually(reached)


async def card_view(client, tokens, holder: str) -> dict:
    response = await client.get("/v1/ration-card", headers={**tokens.citizen(holder), **EN})
    assert response.status_code == 200, response.text
    return response.json()


async def ration_events(js, subject: str, request_id: str) -> list[dict]:
    found = [Envelope.from_bytes(m.data) for m in await stream_messages(js, "RATION", subject)]
    return [e.data for e in found if e.data.get("request_id") == request_id]


async def answers(js, payment_id: uuid.UUID) -> list[tuple[str, str | None]]:
    """ration's answers to a payment (`payment.order.applied.v1` / `refused.v1`), as payment-svc reads them."""
    found = [Envelope.from_bytes(m.data) for m in await stream_messages(js, "PAYMENT", "payment.order.")]
    return [(e.type.split(".")[2], e.data.get("reason")) for e in found if e.data.get("payment_id") == str(payment_id)]


async def catalogue_fee(catalog_http, code: str) -> int:
    response = await catalog_http.get(
        f"/v1/services/{code}/quote", params={"channel": "web", "method": "card", "governorate": "03"}
    )
    assert response.status_code == 200, response.text
    return int(response.json()["total_piastres"])


class TestAddNewborn:
    async def test_the_registry_proves_it_the_fee_is_paid_and_the_child_is_added(
        self, client, js, tokens, sessions, people, catalog_http
    ):
        family = await Family.make(sessions, people, children=1)
        child = await family.newborn()
        request = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": child})
        assert request["status"] == "awaiting_payment"
        assert request["registry_proves"] is True
        assert request["findings"] == []
        assert request["decision"]["by"] == "registry"
        assert request["decision"]["outcome"] == "approved"
        assert "birth record" in request["decision"]["reason"]
        fee = await catalogue_fee(catalog_http, "ration.card.add_newborn")
        assert fee > 0
        assert request["fee"]["amount_piastres"] == fee
        assert request["payment"]["order_id"] == request["id"]
        assert request["payment"]["owner_service"] == "ration"
        assert child not in await family.members()  # not before the fee is paid
        assert [s["step"] for s in request["history"]] == ["filed", "registry_proved"]

        payment = succeeded(request, family.holder)
        await publish(js, payment)
        done = await reaches(client, tokens, family, request["id"], "completed")
        assert await eventually(lambda: answers(js, payment.payment_id)) == [("applied", None)]
        assert done["paid_piastres"] == fee
        assert done["payment"] is None
        assert (await family.members())[child] == "child"
        view = await card_view(client, tokens, family.holder)
        assert view["decision"]["members_count"] == 4
        assert view["decision"]["entitlement_piastres"] == 4 * 5000
        assert len(view["members"]) == 4

        async def announced():
            filed = await ration_events(js, "ration.member_request.filed.v1", request["id"])
            decided = await ration_events(js, "ration.member_request.decided.v1", request["id"])
            completed = await ration_events(js, "ration.member_request.completed.v1", request["id"])
            return (filed, decided, completed) if filed and decided and completed else None

        [filed], [decided], [completed] = await eventually(announced)
        assert filed["registry_proves"] is True
        assert filed["fee_piastres"] == fee
        assert (decided["decided_by"], decided["payment_due"]) == ("registry", True)
        assert (completed["outcome"], completed["amount_piastres"]) == ("applied", fee)

    async def test_not_proven_goes_to_the_governorates_officer_who_decides(self, client, js, tokens, sessions, people):
        family = await Family.make(sessions, people)
        stranger_child = registry_child(
            people, new_nid(date(1980, 1, 1)), new_nid(date(1982, 1, 1), "female"), date.today()
        )
        request = await ask(
            client, tokens, family, {"kind": "add_newborn", "national_id": stranger_child, "note": "تبني / adoption"}
        )
        assert request["status"] == "in_review"
        assert [f["code"] for f in request["findings"]] == ["parent_not_on_card"]
        assert "parent" in request["findings"][0]["text"]
        assert request["payment"] is None
        assert request["decision"] is None

        other = await client.get(f"/v1/ration-card-requests/{request['id']}", headers=tokens.officer("01"))
        assert other.status_code == 404  # another governorate's officer does not see it
        queue = await client.get("/v1/ration-card-requests", headers=tokens.officer("03"))
        assert request["id"] in [r["id"] for r in queue.json()["items"]]
        citizen_decides = await client.post(
            f"/v1/ration-card-requests/{request['id']}/decision",
            json={"outcome": "approved", "reason": "ok"},
            headers=tokens.citizen(family.holder),
        )
        assert citizen_decides.status_code == 403
        approved = await client.post(
            f"/v1/ration-card-requests/{request['id']}/decision",
            json={"outcome": "approved", "reason": "حكم الحضانة مرفق بملف المكتب"},
            headers={**tokens.officer("03"), **EN},
        )
        assert approved.status_code == 200, approved.text
        body = approved.json()
        assert body["status"] == "awaiting_payment"
        assert body["decision"]["by"] == "officer"
        again = await client.post(
            f"/v1/ration-card-requests/{request['id']}/decision",
            json={"outcome": "rejected", "reason": "changed my mind"},
            headers={**tokens.officer("03"), **EN},
        )
        assert again.status_code == 409
        assert again.json()["code"] == "member_request_state_conflict"
        await publish(js, succeeded(body, family.holder))
        await reaches(client, tokens, family, request["id"], "completed")
        assert stranger_child in await family.members()
        async with sessions() as session:
            actions = list(
                await session.scalars(
                    select(AuditEntry.action).where(AuditEntry.target_id == str(family.card.id)).order_by(AuditEntry.id)
                )
            )
        assert ["member_request.filed", "member_request.approved", "member.added"] == [
            a for a in actions if a.startswith("member")
        ]

    async def test_an_officer_refuses_with_reasons_the_citizen_sees(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people)
        unknown = new_nid(date.today() - timedelta(days=10))  # not in the registry (yet)
        request = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": unknown})
        assert [f["code"] for f in request["findings"]] == ["not_in_registry"]
        assert request["registry"] == {"found": False}
        refused = await client.post(
            f"/v1/ration-card-requests/{request['id']}/decision",
            json={"outcome": "rejected", "reason": "لا يوجد قيد ميلاد بعد / no birth registered yet"},
            headers=tokens.officer("03"),
        )
        assert refused.status_code == 200, refused.text
        seen = await reaches(client, tokens, family, request["id"], "rejected")
        assert (seen["decision"]["outcome"], seen["decision"]["by"]) == ("rejected", "officer")
        assert "no birth registered yet" in seen["decision"]["reason"]
        assert [s["step"] for s in seen["history"]] == ["filed", "sent_to_review", "rejected"]
        assert unknown not in await family.members()
        mine = await client.get(
            "/v1/ration-card-requests", params={"status": "rejected"}, headers=tokens.citizen(family.wife)
        )
        assert [r["id"] for r in mine.json()["items"]] == [request["id"]]  # a member sees the card's requests

    async def test_a_registry_event_first_makes_the_request_a_no_op(self, client, js, tokens, sessions, people):
        family = await Family.make(sessions, people)
        born = date.today() - timedelta(days=20)
        child = await family.newborn(born)
        await publish(js, birth(family, child, born), source="civil-registry")
        await eventually(lambda: _has(family, child))
        answer = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": child}, status=200)
        assert answer["outcome"] == "already_done"
        assert answer["by"] == "birth"
        assert "since" in answer["detail"]
        listed = await client.get("/v1/ration-card-requests", headers=tokens.citizen(family.holder))
        assert listed.json()["items"] == []  # nothing recorded, nothing to pay
        async with sessions() as session:
            assert await session.scalar(select(func.count()).where(Member.national_id == child)) == 1

    async def test_a_request_then_the_registry_event_adds_once_and_a_late_payment_is_refunded(
        self, client, js, tokens, sessions, people
    ):
        family = await Family.make(sessions, people)
        born = date.today() - timedelta(days=5)
        child = await family.newborn(born)
        request = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": child})
        assert request["status"] == "awaiting_payment"
        await publish(js, birth(family, child, born), source="civil-registry")
        done = await reaches(client, tokens, family, request["id"], "already_done")
        assert done["history"][-1]["by"] == "civil-registry"
        late = succeeded(request, family.holder)
        await publish(js, late)  # the holder's payment was in flight

        async def refused():
            return await answers(js, late.payment_id)

        assert await eventually(refused) == [("refused", "order_cancelled")]  # payment-svc refunds it
        seen = await reaches(client, tokens, family, request["id"], "already_done")
        assert seen["refund_requested"] is True
        assert "refunded" in seen["next_step"]["en"]
        async with sessions() as session:
            assert await session.scalar(select(func.count()).where(Member.national_id == child)) == 1
        [completed] = await ration_events(js, "ration.member_request.completed.v1", request["id"])
        assert (completed["outcome"], completed["amount_piastres"]) == ("already_done", 0)

    async def test_a_payment_after_the_change_was_made_some_other_way_is_refused_not_applied_twice(
        self, client, js, tokens, sessions, people
    ):
        family = await Family.make(sessions, people)
        child = await family.newborn()
        request = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": child})
        async with sessions() as session, session.begin():  # the card changed, the request not told (yet)
            await cards.add_newborn(session, child_national_id=child, parent_national_ids=[family.holder], at=now())
        payment = succeeded(request, family.holder)
        await publish(js, payment)
        assert await eventually(lambda: answers(js, payment.payment_id)) == [("refused", "order_cancelled")]
        seen = await reaches(client, tokens, family, request["id"], "already_done")
        assert seen["refund_requested"] is True
        async with sessions() as session:
            assert await session.scalar(select(func.count()).where(Member.national_id == child)) == 1


async def _has(family: Family, national_id: str) -> bool:
    return national_id in await family.members()


class TestRemoveMember:
    async def test_a_death_the_registry_records_is_removed_at_once_free(self, client, js, tokens, sessions, people):
        family = await Family.make(sessions, people, children=2)
        gone = family.kids[0]
        people.update(gone, alive=False, date_of_death=date.today() - timedelta(days=3))
        request = await ask(client, tokens, family, {"kind": "remove_member", "national_id": gone, "reason": "death"})
        assert request["status"] == "completed"
        assert request["fee"]["amount_piastres"] == 0
        assert request["payment"] is None
        assert gone not in await family.members()
        view = await card_view(client, tokens, family.holder)
        assert view["decision"]["members_count"] == 3
        assert view["decision"]["entitlement_piastres"] == 3 * 5000
        again = await ask(
            client, tokens, family, {"kind": "remove_member", "national_id": gone, "reason": "death"}, status=200
        )
        assert again["outcome"] == "already_done"
        assert again["by"] == "deceased"

    async def test_emigration_is_reviewed_and_an_approval_removes_at_once(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people, children=1)
        son = family.kids[0]
        request = await ask(
            client, tokens, family, {"kind": "remove_member", "national_id": son, "reason": "emigration"}
        )
        assert request["status"] == "in_review"
        assert [f["code"] for f in request["findings"]] == ["emigration_not_in_registry"]
        decided = await client.post(
            f"/v1/ration-card-requests/{request['id']}/decision",
            json={"outcome": "approved", "reason": "شهادة تحركات من مصلحة الجوازات"},
            headers=tokens.officer("03"),
        )
        assert decided.json()["status"] == "completed"
        assert son not in await family.members()
        async with sessions() as session:
            removed = await session.scalar(select(Member).where(Member.national_id == son))
        assert removed.removed_reason == "emigrated"

    async def test_a_marriage_the_registry_records_is_proved(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people, children=1)
        daughter, groom = family.kids[0], new_nid(date(1990, 2, 2))
        people.person(groom)
        people.marriage(husband=groom, wife=daughter, on=date.today() - timedelta(days=30))
        request = await ask(
            client, tokens, family, {"kind": "remove_member", "national_id": daughter, "reason": "marriage"}
        )
        assert request["status"] == "completed"
        assert request["decision"]["by"] == "registry"
        assert request["registry"]["spouse_national_id"] == groom
        assert daughter not in await family.members()

    async def test_the_holder_and_strangers_cannot_be_removed(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people)
        for someone, code in ((family.holder, "cannot_remove_holder"), (new_nid(date(1970, 1, 1)), "not_on_card")):
            response = await client.post(
                f"/v1/ration-card/{family.card.id}/member-requests",
                json={"kind": "remove_member", "national_id": someone, "reason": "death"},
                headers={**tokens.citizen(family.holder), **EN},
            )
            assert response.status_code == 422
            problem = response.json()
            assert problem["code"] == "member_request_refused"
            assert [(e["field"], e["code"]) for e in problem["errors"]] == [("body.national_id", code)]
            arabic = await client.post(
                f"/v1/ration-card/{family.card.id}/member-requests",
                json={"kind": "remove_member", "national_id": someone, "reason": "death"},
                headers=tokens.citizen(family.holder),
            )
            assert arabic.json()["errors"][0]["reason"] != problem["errors"][0]["reason"]


class TestLimits:
    async def test_validation_holder_only_one_open_request_per_person_and_a_cap_per_card(
        self, client, tokens, sessions, people
    ):
        family = await Family.make(sessions, people, children=1)
        path = f"/v1/ration-card/{family.card.id}/member-requests"
        bad = await client.post(
            path, json={"kind": "add_newborn", "national_id": "12"}, headers={**tokens.citizen(family.holder), **EN}
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        no_reason = await client.post(
            path, json={"kind": "remove_member", "national_id": family.wife}, headers=tokens.citizen(family.holder)
        )
        assert no_reason.status_code == 422
        child = await family.newborn()
        by_wife = await client.post(
            path, json={"kind": "add_newborn", "national_id": child}, headers={**tokens.citizen(family.wife), **EN}
        )
        assert by_wife.status_code == 403
        assert by_wife.json()["code"] == "not_card_holder"
        stranger = await Family.make(sessions, people)
        assert (
            await client.post(
                path, json={"kind": "add_newborn", "national_id": child}, headers=tokens.citizen(stranger.holder)
            )
        ).status_code == 404
        first = await ask(client, tokens, family, {"kind": "add_newborn", "national_id": child})
        twice = await client.post(
            path, json={"kind": "add_newborn", "national_id": child}, headers={**tokens.citizen(family.holder), **EN}
        )
        assert twice.status_code == 409
        assert twice.json()["code"] == "member_request_already_open"
        assert first["id"] in twice.json()["detail"]
        for _ in range(2):  # the card's cap is 3 open requests in this module
            await ask(client, tokens, family, {"kind": "add_newborn", "national_id": await family.newborn()})
        capped = await client.post(
            path,
            json={"kind": "add_newborn", "national_id": await family.newborn()},
            headers={**tokens.citizen(family.holder), **EN},
        )
        assert capped.status_code == 409
        assert capped.json()["code"] == "too_many_open_member_requests"
        withdrawn = await client.delete(
            f"/v1/ration-card-requests/{first['id']}", headers=tokens.citizen(family.holder)
        )
        assert withdrawn.json()["status"] == "cancelled"
        pages, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (
                await client.get("/v1/ration-card-requests", params=params, headers=tokens.citizen(family.holder))
            ).json()
            pages.append(page["items"])
            if not (cursor := page["next_cursor"]):
                break
        assert [len(p) for p in pages] == [2, 1]
        created = [r["created_at"] for p in pages for r in p]
        assert created == sorted(created, reverse=True)


class TestExcludedCard:
    async def test_an_excluded_household_is_entitled_to_nothing_and_told_why(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people, children=1)
        async with sessions() as session, session.begin():
            await facts.vehicle_registered(
                session, vehicle_id=uuid.uuid4(), plate="ب ج د 1", owner=family.wife, vehicle_type="private_car",
                make="Kia", model="Cerato", model_year=2023, engine_cc=1600, governorate="03", at=now(),
            )  # fmt: skip
            await eligibility.reevaluate_persons(session, national_ids=[family.wife], trigger="test", now=now())
        view = await card_view(client, tokens, family.holder)
        assert view["decision"]["eligible"] is False
        assert view["decision"]["entitlement_piastres"] == 0
        assert view["decision"]["members_count"] == 3
        assert "Kia" in view["decision"]["reasons"][0]["explanation"]
        assert [(d["eligible"], d["entitlement_piastres"]) for d in view["history"]] == [(False, 0), (True, 3 * 5000)]

    async def test_a_salary_just_over_the_limit_reads_over_it(self, client, tokens, sessions, people):
        family = await Family.make(sessions, people)
        async with sessions() as session, session.begin():
            await session.execute(
                text("INSERT INTO ration.incomes (national_id, monthly_salary_piastres) VALUES (:n, 960050)"),
                {"n": family.holder},
            )
            await eligibility.reevaluate_persons(session, national_ids=[family.holder], trigger="test", now=now())
        view = await card_view(client, tokens, family.holder)
        assert view["decision"]["eligible"] is False
        assert view["decision"]["entitlement_piastres"] == 0
        assert "EGP 9600.50" in view["decision"]["reasons"][0]["explanation"]  # the limit is EGP 9,600
