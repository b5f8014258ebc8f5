"""`python -m identity`: serve the API (with the outbox relay and consumers in-process)."""

from identity.settings import Settings
from kit.serve import serve

if __name__ == "__main__":
    settings = Settings()
    serve("identity.main:create_app", host=settings.host, port=settings.port)
