"""notary-svc's bilingual problem texts, registered with `problems({...})`."""

from __future__ import annotations

from kit import i18n

problems = i18n.register_problems
"""Register code → (title ar, title en, detail ar, detail en)."""


def fields(entries: dict[str, tuple[str, str]]) -> None:
    """Register field-error reasons: code → (ar, en), under `field.<code>`."""
    i18n.register({f"field.{code}": {"ar": ar, "en": en} for code, (ar, en) in entries.items()})


problems(
    {
        "registry_unavailable": (
            "السجل المدني غير متاح",
            "The civil registry is unavailable",
            "تعذر الاستعلام من السجل المدني الآن. يُرجى المحاولة بعد قليل.",
            "The civil registry could not be asked right now. Please try again shortly.",
        ),
        "too_many_open_requests": (
            "طلبات مفتوحة كثيرة",
            "Too many open requests",
            "لديك {limit} طلبًا لم يكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
            "You have {limit} unfinished requests. Finish or cancel some first.",
        ),
    }
)
