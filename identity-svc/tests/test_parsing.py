"""National ID (as `contracts.national_id` reads it), mobile and Arabic name handling: pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.governorates import GOVERNORATES
from contracts.national_id import InvalidNationalId, parse
from identity.mobile import InvalidMobile, mask, parse_mobile
from identity.names import names_match, normalize_arabic

TODAY = date(2025, 6, 1)


class TestNationalId:
    @pytest.mark.parametrize(
        "typed",
        [
            "29001011234567",
            "٢٩٠٠١٠١١٢٣٤٥٦٧",
            "2 900101 12 3456 7",
            "2-900101-12-3456-7",
            "۲۹۰۰۱۰۱۱۲۳۴۵۶۷",
            " 29001011234567\u200f",
        ],
    )
    def test_accepts_what_people_type(self, typed):
        nid = parse(typed, today=TODAY)
        assert (nid.value, nid.birth_date, nid.governorate, nid.sex) == (
            "29001011234567",
            date(1990, 1, 1),
            "12",
            "female",
        )

    def test_reads_century_sex_and_abroad(self):
        nid = parse("30402298812353", today=TODAY)
        assert (nid.birth_date, nid.governorate, nid.sex) == (date(2004, 2, 29), "88", "male")

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("2900101123456", "nid_format"),
            ("290010112345678", "nid_format"),
            ("2900101123456a", "nid_format"),
            ("19001011234567", "nid_century"),
            ("29002301234567", "nid_birth_date"),
            ("30102291234567", "nid_birth_date"),  # 2001 was not a leap year
            ("39001011234567", "nid_future_date"),  # 2090
            ("29001019934567", "nid_governorate"),
            ("29001010534567", "nid_governorate"),
        ],
    )
    def test_refuses_bad_structure(self, typed, code):
        with pytest.raises(InvalidNationalId) as caught:
            parse(typed, today=TODAY)
        assert caught.value.code == code

    def test_there_are_27_governorates_with_real_codes(self):
        assert len(GOVERNORATES) == 27
        assert {g.code: g.name_en for g in GOVERNORATES}["03"] == "Port Said"
        assert {g.code: g.name_en for g in GOVERNORATES}["21"] == "Giza"


class TestMobile:
    @pytest.mark.parametrize(
        "typed",
        ["01012345678", "010 1234 5678", "010-1234-5678", "+201012345678", "+20 10 1234 5678", "00201012345678",
         "201012345678", "٠١٠١٢٣٤٥٦٧٨", "(010) 1234.5678", "1012345678"],
    )  # fmt: skip
    def test_normalises_to_e164(self, typed):
        assert parse_mobile(typed) == "+201012345678"

    @pytest.mark.parametrize("prefix", ["010", "011", "012", "015"])
    def test_mobile_ranges(self, prefix):
        assert parse_mobile(prefix + "12345678") == "+20" + prefix[1:] + "12345678"

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("01312345678", "mobile_not_egyptian_mobile"),
            ("0223456789", "mobile_format"),
            ("+441012345678", "mobile_not_egyptian_mobile"),
            ("010123456789", "mobile_format"),
            ("0101234567", "mobile_format"),
            ("hello", "mobile_format"),
        ],
    )
    def test_refuses(self, typed, code):
        with pytest.raises(InvalidMobile) as caught:
            parse_mobile(typed)
        assert caught.value.code == code

    def test_mask_shows_only_two_digits(self):
        assert mask("+201012345678") == "+20 1** *** **78"


class TestNames:
    @pytest.mark.parametrize(
        ("typed", "registered"),
        [
            ("احمد", "أحمد"), ("إسراء", "اسراء"), ("آية", "ايه"), ("فاطمه", "فاطمة"), ("منى", "مني"),
            ("مُحَمَّد", "محمد"), ("مـحـمـد", "محمد"), ("عبدالله", "عبد الله"), (" هدى ", "هدي"),
            ("مؤمن", "مومن"), ("هانئ", "هاني"),
            ("Mohamed", "محمد"), ("Muhammad", "محمد"), ("Mostafa", "مصطفى"), ("Fatma", "فاطمة"),
            ("Abdelrahman", "عبد الرحمن"), ("Abd El-Rahman", "عبد الرحمن"), ("Youssef", "يوسف"), ("Khaled", "خالد"),
        ],
    )  # fmt: skip
    def test_spelling_variants_match(self, typed, registered):
        assert names_match(typed, registered)

    @pytest.mark.parametrize(
        ("typed", "registered"),
        [("محمود", "محمد"), ("أحمد", "حامد"), ("Samir", "أحمد"), ("", "أحمد"), ("A", "آية"), ("سارة", "سارا")],
    )
    def test_different_names_do_not(self, typed, registered):
        assert not names_match(typed, registered)

    def test_latin_exact_registry_spelling(self):
        assert names_match("Aya", "آية", registered_latin="Aya")

    def test_normalisation(self):
        assert normalize_arabic("أَحْمَـد  عبد") == normalize_arabic("احمدعبد")
