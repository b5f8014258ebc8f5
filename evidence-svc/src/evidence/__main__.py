"""`python -m evidence`: serve the API, with the outbox relay and consumers."""

from evidence.settings import Settings
from kit.serve import serve

if __name__ == "__main__":
    settings = Settings()
    serve("evidence.main:create_app", host=settings.host, port=settings.port)
