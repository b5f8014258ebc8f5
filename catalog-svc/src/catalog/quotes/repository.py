from __future__ import annotations

from catalog.quotes.models import Quote
from kit.repository import Repository


class QuoteRepository(Repository[Quote]):
    model = Quote
    order = (Quote.issued_at, Quote.id)
