"""Numbers, money, days, times and plural forms come from Babel (CLDR), in Cairo's time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kit import i18n

WINTER = datetime(2027, 1, 15, 11, 10, tzinfo=UTC)  # 13:10 in Cairo (UTC+2)
SUMMER = datetime(2027, 7, 15, 11, 10, tzinfo=UTC)  # 14:10 in Cairo (UTC+3, daylight saving)


class TestMoney:
    @pytest.mark.parametrize(
        ("piastres", "ar", "en"),
        [
            (-250, "-٢٫٥٠ جنيه مصري", "-2.50 Egyptian pounds"),  # a discount: never "EGP -3.50"
            (6550, "٦٥٫٥٠ جنيه مصري", "65.50 Egyptian pounds"),
            (100, "١٫٠٠ جنيه مصري", "1.00 Egyptian pounds"),  # CLDR: "1.00" is not "one" in English
            (200, "٢٫٠٠ جنيهان مصريان", "2.00 Egyptian pounds"),
            (1100, "١١٫٠٠ جنيهًا مصريًا", "11.00 Egyptian pounds"),
            (123456789, "١٬٢٣٤٬٥٦٧٫٨٩ جنيه مصري", "1,234,567.89 Egyptian pounds"),
        ],
    )
    def test_amounts_in_each_language(self, piastres: int, ar: str, en: str) -> None:
        assert i18n.money(piastres, "ar").replace("\u061c", "") == ar
        assert i18n.money(piastres, "en") == en

    def test_the_callers_language_by_default(self) -> None:
        i18n.set_language("en")
        try:
            assert i18n.money(50) == "0.50 Egyptian pounds"
        finally:
            i18n.set_language("ar")


class TestTimesInCairo:
    def test_the_appointment_that_said_11_10_utc(self) -> None:
        assert i18n.time(WINTER, "en") == "13:10"
        assert i18n.time(WINTER, "ar") == "١:١٠ م"
        assert i18n.time(SUMMER, "en") == "14:10"

    def test_days_are_cairo_days(self) -> None:
        late = datetime(2027, 1, 15, 23, 30, tzinfo=UTC)  # already 16 January in Cairo
        assert i18n.day(late, "en") == "16 January 2027"
        assert i18n.day(late, "ar") == "١٦ يناير ٢٠٢٧"
        assert i18n.day(date(2031, 3, 15), "ar") == "١٥ مارس ٢٠٣١"

    def test_a_moment_joins_day_and_time_as_cldr_says(self) -> None:
        assert i18n.moment(WINTER, "en") == "15 January 2027, 13:10"
        assert i18n.moment(WINTER, "ar") == "١٥ يناير ٢٠٢٧، ١:١٠ م"

    def test_a_naive_moment_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            i18n.time(datetime(2027, 1, 15, 11, 10), "en")


class TestPluralForms:
    @pytest.mark.parametrize(
        ("seconds", "ar", "en"),
        [
            (1, "ثانية", "1 second"),
            (2, "ثانيتان", "2 seconds"),
            (5, "٥ ثوان", "5 seconds"),
            (30, "٣٠ ثانية", "30 seconds"),
            (300, "٥ دقائق", "5 minutes"),
            (3600, "ساعة", "1 hour"),
        ],
    )
    def test_durations_take_cldr_plural_forms(self, seconds: int, ar: str, en: str) -> None:
        assert i18n.duration(seconds, "ar") == ar
        assert i18n.duration(seconds, "en") == en

    def test_a_plural_text_chooses_its_form_by_cldr_category(self) -> None:
        i18n.register(
            {
                "test.requests": {
                    "ar": i18n.plural(
                        "n", one="طلب واحد", two="طلبان", few="{n} طلبات", many="{n} طلبًا", other="{n} طلب"
                    ),
                    "en": i18n.plural("n", one="{n} request", other="{n} requests"),
                }
            }
        )
        arabic = [i18n.text("test.requests", "ar", n=n) for n in (1, 2, 3, 11, 100)]
        assert arabic == ["طلب واحد", "طلبان", "٣ طلبات", "١١ طلبًا", "١٠٠ طلب"]
        assert [i18n.text("test.requests", "en", n=n) for n in (1, 2)] == ["1 request", "2 requests"]

    def test_a_unit_in_a_template_takes_its_plural_form(self) -> None:
        i18n.register({"test.wait": {"ar": "بعد {s:duration-second}", "en": "in {s:duration-second}"}})
        assert i18n.text("test.wait", "ar", s=2) == "بعد ثانيتان"
        assert i18n.text("test.wait", "en", s=1) == "in 1 second"

    def test_plural_forms_must_be_cldr_categories(self) -> None:
        with pytest.raises(ValueError, match="other"):
            i18n.plural("n", one="x")
        with pytest.raises(ValueError, match="CLDR"):
            i18n.plural("n", single="x", other="y")


class TestParameters:
    def test_each_text_names_things_in_its_own_language(self) -> None:
        i18n.register({"test.live": {"ar": "«{name}» في {where} من {day}", "en": "“{name}” in {where} from {day}"}})
        params = {
            "name": i18n.Words(ar="توكيل عام رسمي", en="General power of attorney"),
            "where": i18n.Words(ar="بورسعيد", en="Port Said"),
            "day": i18n.Day(date(2027, 1, 15)),
        }
        assert i18n.text("test.live", "ar", **params) == "«توكيل عام رسمي» في بورسعيد من ١٥ يناير ٢٠٢٧"
        assert i18n.text("test.live", "en", **params) == "“General power of attorney” in Port Said from 15 January 2027"

    def test_numbers_are_written_as_the_language_writes_them(self) -> None:
        assert i18n.localize(1250, "ar") == "١٬٢٥٠"
        assert i18n.localize(1250, "en") == "1,250"
        assert i18n.localize(True, "ar") is True
        assert i18n.localize("29001011234567", "ar") == "29001011234567"  # a code stays as it is

    def test_a_missing_text_shows_its_key_and_a_bad_template_its_text(self) -> None:
        assert i18n.text("test.nothing.here", "ar") == "test.nothing.here"
        i18n.register({"test.needs": {"ar": "قيمة {x}", "en": "value {x}"}})
        assert i18n.text("test.needs", "en") == "value {x}"

    def test_a_stored_preference_falls_back_to_arabic(self) -> None:
        assert i18n.language_or_default("en") == "en"
        assert i18n.language_or_default(None) == "ar"
        assert i18n.language_or_default("fr") == "ar"
