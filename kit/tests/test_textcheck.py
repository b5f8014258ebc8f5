"""The checks every service's suite runs on its texts find what they are meant to find."""

from __future__ import annotations

from pathlib import Path

from kit import i18n, textcheck


class TestCatalogueFaults:
    def test_a_sound_catalogue_has_none(self) -> None:
        sound = {
            "problem.x.title": {"ar": "عنوان", "en": "Title"},
            "problem.x.detail": {
                "ar": "أرسل المفتاح Idempotency-Key مع {code}.",
                "en": "Send Idempotency-Key with {code}.",
            },
        }
        assert textcheck.catalogue_faults(sound) == []

    def test_each_kind_of_fault_is_named(self) -> None:
        faulty: dict[str, dict[i18n.Language, i18n.Template]] = {
            "problem.mixed.title": {"ar": "الطلب غير صالح Please try again", "en": "Invalid"},
            "problem.mixed.detail": {"ar": "حالة الطلب: {status_ar}.", "en": "The order is {status}."},
            "problem.appended.title": {"ar": "مغلق", "en": "Closed — مغلق"},
            "problem.appended.detail": {"ar": "مغلق.", "en": "Closed."},
            "problem.titled_only.title": {"ar": "عنوان", "en": "Title"},
        }
        faults = "\n".join(textcheck.catalogue_faults(faulty))
        assert "problem.mixed.title: Latin words in the Arabic text ['Please', 'try', 'again']" in faults
        assert "problem.mixed.detail: placeholders differ: ar ['status_ar'] en ['status']" in faults
        assert "problem.appended.title: Arabic letters in the English text" in faults
        assert "problem code 'titled_only' has no detail: register texts for 'titled_only'" in faults

    def test_codes_placeholders_and_allowed_names_are_not_latin_words(self) -> None:
        assert textcheck.latin_words("أرسل grant_type=client_credentials بصيغة application/json") == []
        assert textcheck.latin_words("راجع `errors` و{field} وترويسة Retry-After وSMS") == []
        assert textcheck.latin_words("الرمز (valid {minutes} minutes)") == ["valid", "minutes"]

    def test_plural_forms_are_checked_each(self) -> None:
        faulty = {"x": {"ar": i18n.plural("n", one="واحد", other="{n} items"), "en": i18n.plural("n", other="{n}")}}
        assert textcheck.catalogue_faults(faulty) == [
            "x: Latin words in the Arabic text ['items'] (name them in Arabic, or quote a code)"
        ]


class TestSourceScan:
    def test_a_code_raised_without_texts_is_named_with_where_and_how(self, tmp_path: Path) -> None:
        (tmp_path / "service.py").write_text(
            "from kit.errors import NotFound, ProblemError\n"
            "class Refusal(ProblemError):\n    pass\n"
            "def f():\n"
            "    raise ProblemError('brand_new_code', status=409)\n"
            "def g():\n"
            "    raise Refusal('another_new_code')\n"
            "def h():\n"
            "    raise NotFound('not_found')\n"
            "def k(code):\n"
            "    raise ProblemError(code)\n",
            encoding="utf-8",
        )
        missing = textcheck.untexted_codes(tmp_path)
        assert any("service.py:5: problem.brand_new_code.title: no text" in m for m in missing)
        assert any(
            "register_problems({'brand_new_code': (title ar, title en, detail ar, detail en)})" in m for m in missing
        )
        assert any("problem.another_new_code.detail" in m for m in missing)  # a subclass of ProblemError too
        assert not any("not_found" in m for m in missing)  # kit's own texts

    def test_validator_refusals_and_literal_keys_need_texts(self, tmp_path: Path) -> None:
        (tmp_path / "schemas.py").write_text(
            "from kit import i18n\nfrom kit.errors import invalid\n"
            "def v():\n    raise invalid('no_such_reason')\n"
            "def t():\n    return i18n.text('no.such.key')\n",
            encoding="utf-8",
        )
        missing = "\n".join(textcheck.untexted_codes(tmp_path))
        assert "validation.no_such_reason: no text" in missing
        assert "no.such.key: no text" in missing

    def test_a_validator_raising_value_error_is_found(self, tmp_path: Path) -> None:
        (tmp_path / "models.py").write_text(
            "from pydantic import BaseModel, model_validator\n"
            "class M(BaseModel):\n"
            "    @model_validator(mode='after')\n"
            "    def _check(self):\n"
            "        raise ValueError('an English sentence')\n",
            encoding="utf-8",
        )
        assert textcheck.bare_value_errors(tmp_path) == [f"{tmp_path / 'models.py'}:5: _check raises ValueError"]
