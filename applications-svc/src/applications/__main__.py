"""`python -m applications`: serve the API, with the outbox relay and consumers."""

from applications.settings import Settings
from kit.serve import serve

if __name__ == "__main__":
    settings = Settings()
    serve("applications.main:create_app", host=settings.host, port=settings.port)
