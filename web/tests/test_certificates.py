"""What the certificate pages decide before any call to the API: what can be asked for, from the
family the registry links to the citizen, and the request each choice makes."""

from __future__ import annotations

from conftest import Portal

from web.pages.certificates import body_of, choices

FAMILY = {
    "members": [
        {"national_id": "29001010300011", "full_name_ar": "أحمد محمد", "relation": "self", "birth_date": "1990-01-01"},
        {"national_id": "29203040300022", "full_name_ar": "منى علي", "relation": "spouse", "birth_date": "1992-03-04"},
        {"national_id": "32001010300033", "full_name_ar": "سارة أحمد", "relation": "child", "birth_date": "2020-01-01"},
    ],
    "marriages": [
        {"marriage_id": "M-1", "husband_national_id": "29001010300011", "wife_national_id": "29203040300022",
         "marriage_date": "2015-06-01", "divorce_date": None, "relation": "self"},
        {"marriage_id": "M-0", "husband_national_id": "26001010300044", "wife_national_id": "26201010300055",
         "marriage_date": "1985-02-01", "divorce_date": "1999-01-01", "relation": "parent"},
    ],
}  # fmt: skip


class TestChoices:
    def test_each_birth_each_marriage_and_only_a_real_divorce(self) -> None:
        values = [c["value"] for c in choices(FAMILY)]
        assert values == [
            "birth:29001010300011", "birth:29203040300022", "birth:32001010300033",
            "marriage:M-1", "marriage:M-0", "divorce:M-0",
        ]  # fmt: skip

    def test_a_couple_is_named_from_the_family_when_the_registry_links_them(self) -> None:
        found = {c["value"]: c for c in choices(FAMILY)}
        assert found["marriage:M-1"]["who"] == "أحمد محمد / منى علي"
        assert found["divorce:M-0"]["who"] == "26001010300044 / 26201010300055"  # the parents are not listed

    def test_the_request_each_choice_makes(self) -> None:
        assert body_of("birth:32001010300033", "card") == {
            "kind": "birth", "national_id": "32001010300033", "method": "card", "channel": "web",
        }  # fmt: skip
        assert body_of("divorce:M-0", "wallet")["marriage_id"] == "M-0"


class TestGuards:
    async def test_certificates_and_payments_ask_to_sign_in_first(self, portal: Portal) -> None:
        for path in ("/certificates", "/certificates/new", "/payments", "/receipts/RC-2026-00000001"):
            answer = await portal.http.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == f"/sign-in?next={path}"

    async def test_a_receipt_number_is_checked_before_the_api_is_asked(self, portal: Portal) -> None:
        await portal.sign_in_directly()
        answer = await portal.http.get("/receipts/not-a-receipt", headers={"Accept": "text/html"})
        assert answer.status_code == 422
