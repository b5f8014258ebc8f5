"""`python -m catalog`: serve the API (with the outbox relay and consumers in-process)."""

from catalog.settings import Settings
from kit.serve import serve

if __name__ == "__main__":
    settings = Settings()
    serve("catalog.main:create_app", host=settings.host, port=settings.port)
