"""`python -m notary`: serve the API (with the outbox relay and consumers in-process)."""

from kit.serve import serve
from notary.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    serve("notary.main:create_app", host=settings.host, port=settings.port)
