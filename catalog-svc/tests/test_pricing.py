"""The pricing rules alone (no servers): which rows apply, and which tariffs are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from catalog_support import tariff_body

from catalog.tariffs import pricing
from catalog.tariffs.schemas import TariffIn

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ROWS = TariffIn.model_validate(tariff_body()).model_dump()["components"]


class TestLinesFor:
    def test_card_on_web_gets_the_incentive_as_its_own_line(self) -> None:
        lines = pricing.lines_for(ROWS, channel="web", method="card")
        assert [(line.code, line.amount_piastres) for line in lines] == [
            ("base_fee", 3000),
            ("stamp_duty", 500),
            ("e_payment_incentive", -300),
        ]
        assert lines[-1].label_ar == "حافز الدفع الإلكتروني"

    def test_cash_at_the_office_pays_the_service_charge_and_no_incentive(self) -> None:
        lines = pricing.lines_for(ROWS, channel="office", method="cash_network")
        assert {line.code: line.amount_piastres for line in lines} == {
            "base_fee": 3000,
            "stamp_duty": 500,
            "service_charge": 1000,
        }

    def test_rows_of_one_code_add_up(self) -> None:
        rows = [
            {"code": "base_fee", "amount_piastres": 100, "channel": None, "method": None},
            {"code": "service_charge", "amount_piastres": 300, "channel": "office", "method": None},
            {"code": "service_charge", "amount_piastres": 200, "channel": None, "method": "cash_network"},
        ]
        lines = pricing.lines_for(rows, channel="office", method="cash_network")
        assert {line.code: line.amount_piastres for line in lines}["service_charge"] == 500

    def test_free_service_still_shows_a_base_fee_line(self) -> None:
        rows = [{"code": "base_fee", "amount_piastres": 0, "channel": None, "method": None}]
        assert [line.code for line in pricing.lines_for(rows, channel="web", method="wallet")] == ["base_fee"]


class TestProblems:
    def codes(self, **changes: object) -> set[str]:
        return {e.code for e in pricing.problems(TariffIn.model_validate(tariff_body(**changes)), now=NOW)}

    def test_a_sound_tariff_has_none(self) -> None:
        assert self.codes() == set()

    def test_retroactive_tariff_is_refused(self) -> None:
        assert "retroactive" in self.codes(effective_from=(NOW - timedelta(days=1)).isoformat())

    @pytest.mark.parametrize(
        ("row", "code"),
        [
            ({"code": "e_payment_incentive", "amount_piastres": 100, "method": "card"}, "incentive_positive"),
            ({"code": "e_payment_incentive", "amount_piastres": -100, "method": "cash_network"}, "incentive_method"),
            ({"code": "delivery", "amount_piastres": -1}, "negative"),
            ({"code": "delivery", "amount_piastres": 100, "channel": "post_office"}, "channel_not_offered"),
            ({"code": "base_fee", "amount_piastres": 3000}, "duplicate"),
            (
                {"code": "e_payment_incentive", "amount_piastres": -9000, "method": "wallet", "channel": "web"},
                "negative_total",
            ),
        ],
    )
    def test_bad_rows_are_named(self, row: dict[str, object], code: str) -> None:
        body = tariff_body()
        assert code in self.codes(components=[*body["components"], row])

    def test_base_fee_for_everyone_is_required(self) -> None:
        components = [{"code": "base_fee", "amount_piastres": 100, "channel": "web"}]
        assert "base_fee_missing" in self.codes(components=components)
