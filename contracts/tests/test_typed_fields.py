"""What people type: Arabic-Indic and Eastern Arabic digits, spaces, dashes and direction marks
are read the same everywhere a national ID, a mobile number or an amount is typed."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from contracts.fields import TypedMobile, TypedNationalId, TypedPiastres, ascii_digits


class Typed(BaseModel):
    national_id: TypedNationalId | None = None
    mobile: TypedMobile | None = None
    amount: TypedPiastres | None = Field(default=None, ge=-1000000)


def refusal(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Typed(**fields)
    return str(caught.value.errors()[0]["type"])


class TestNationalId:
    @pytest.mark.parametrize(
        "typed",
        [
            "29001011234567",
            "٢٩٠٠١٠١١٢٣٤٥٦٧",
            "۲۹۰۰۱۰۱۱۲۳۴۵۶۷",
            "2900 1011 2345 67",
            "2-900101-12345-67",
            "\u200f٢٩٠٠١٠١١٢٣٤٥٦٧",
        ],
    )
    def test_every_spelling_is_the_same_id(self, typed: str) -> None:
        assert Typed(national_id=typed).national_id == "29001011234567"

    @pytest.mark.parametrize("typed", ["2900101123456", "290010112345678", "2900101123456x", ""])
    def test_not_14_digits_is_refused_with_its_code(self, typed: str) -> None:
        assert refusal(national_id=typed) == "national_id_format"

    def test_a_number_is_not_an_id(self) -> None:
        assert refusal(national_id=29001011234567) == "string_type"


class TestMobile:
    @pytest.mark.parametrize(
        "typed", ["01012345678", "٠١٠١٢٣٤٥٦٧٨", "+20 10 1234 5678", "0020 ١٠١٢٣٤٥٦٧٨", "1012345678"]
    )
    def test_every_spelling_is_the_national_number(self, typed: str) -> None:
        assert Typed(mobile=typed).mobile == "01012345678"

    def test_refusals_say_why(self) -> None:
        assert refusal(mobile="0101234") == "mobile_format"
        assert refusal(mobile="01312345678") == "mobile_not_egyptian_mobile"
        assert refusal(mobile="+44 7700 900123") == "mobile_not_egyptian_mobile"


class TestAmount:
    @pytest.mark.parametrize(
        ("typed", "piastres"), [("١٬٢٥٠", 1250), ("1,250", 1250), ("٦٥٥٠", 6550), ("−٢٥٠", -250), (300, 300)]
    )
    def test_arabic_digits_and_grouping(self, typed: object, piastres: int) -> None:
        assert Typed(amount=typed).amount == piastres

    def test_a_fraction_of_a_piastre_is_refused(self) -> None:
        assert refusal(amount="١٢٫٥") == "int_parsing"


def test_ascii_digits_keeps_what_is_not_a_digit() -> None:
    assert ascii_digits("+٢٠ ١٠") == "+2010"
