"""ration-svc's texts, Arabic and English: each domain's table, registered by the manifest."""

from kit import i18n
from ration.appeals.texts import TEXTS as APPEALS
from ration.cards.texts import TEXTS as CARDS
from ration.eligibility.texts import TEXTS as ELIGIBILITY
from ration.imports.texts import TEXTS as IMPORTS
from ration.requests.texts import TEXTS as REQUESTS
from ration.rules.texts import TEXTS as RULES

TEXTS: dict[str, dict[i18n.Language, str]] = {**CARDS, **ELIGIBILITY, **APPEALS, **RULES, **IMPORTS, **REQUESTS}
